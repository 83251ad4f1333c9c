/* SPDX-License-Identifier: Apache-2.0 */
/* credledger-bench http: verification queries over the HTTP port. */
#ifndef CL_TOOLS_BENCH_HTTP_H
#define CL_TOOLS_BENCH_HTTP_H

/*
 * credledger-bench http [--quick] [options]: GET /v1/credentials/{id}
 * on a credledger-node's HTTP port under wrk with 50 keep-alive
 * connections, beside nginx answering a static body of the same size in
 * the same run (bench_http.c).  argv[0] is "http".  Installs wrk and
 * nginx-light with apt-get when they are missing and it runs as root.
 * Returns the exit status.
 */
int	cl__bench_http(int argc, char **argv);

#endif
