/* SPDX-License-Identifier: Apache-2.0 */
/* ISO 3166-1 alpha-3 to alpha-2, for the countries ELM credentials name. */
#include "elm.h"

#include <string.h>

/*
 * ISO 3166-1: EU, EEA (IS, LI, NO), candidate and potential candidate
 * countries, CH, GB and the European microstates.  XKX/XK is the
 * user-assigned code the EU uses for Kosovo.
 */
static const char countries[][2][4] = {
	{ "ALB", "AL" }, { "AND", "AD" }, { "AUT", "AT" }, { "BEL", "BE" },
	{ "BGR", "BG" }, { "BIH", "BA" }, { "CHE", "CH" }, { "CYP", "CY" },
	{ "CZE", "CZ" }, { "DEU", "DE" }, { "DNK", "DK" }, { "ESP", "ES" },
	{ "EST", "EE" }, { "FIN", "FI" }, { "FRA", "FR" }, { "GBR", "GB" },
	{ "GEO", "GE" }, { "GRC", "GR" }, { "HRV", "HR" }, { "HUN", "HU" },
	{ "IRL", "IE" }, { "ISL", "IS" }, { "ITA", "IT" }, { "LIE", "LI" },
	{ "LTU", "LT" }, { "LUX", "LU" }, { "LVA", "LV" }, { "MCO", "MC" },
	{ "MDA", "MD" }, { "MKD", "MK" }, { "MLT", "MT" }, { "MNE", "ME" },
	{ "NLD", "NL" }, { "NOR", "NO" }, { "POL", "PL" }, { "PRT", "PT" },
	{ "ROU", "RO" }, { "SMR", "SM" }, { "SRB", "RS" }, { "SVK", "SK" },
	{ "SVN", "SI" }, { "SWE", "SE" }, { "TUR", "TR" }, { "UKR", "UA" },
	{ "VAT", "VA" }, { "XKX", "XK" },
};

const char *
cl_elm_country_alpha2(const char *alpha3)
{
	size_t	i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (strcmp(countries[i][0], alpha3) == 0)
			return countries[i][1];
	return NULL;
}
