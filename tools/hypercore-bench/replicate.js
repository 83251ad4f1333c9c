// SPDX-License-Identifier: Apache-2.0
// credledger-bench gossip, part 3: one Hypercore replicated over TCP on
// 127.0.0.1 between two Node.js processes, the baseline for credledger's
// catch-up.  credledger-bench starts both and reads one line from each:
//
//   node replicate.js writer DIR BLOCKS BYTES
//     makes a core of BLOCKS blocks of BYTES random bytes each in DIR (not
//     timed), listens on 127.0.0.1:0 and prints
//       ready port=PORT key=HEX blocks=BLOCKS bytes=BYTES append_s=S
//     then serves replication until SIGTERM or its stdin closes.
//   node replicate.js reader DIR PORT KEY BLOCKS
//     a fresh core of KEY in DIR; connects, replicates, downloads every
//     block and verifies it as Hypercore does (signed Merkle tree), and
//     prints, once DIR holds all BLOCKS (contiguousLength),
//       done blocks=BLOCKS seconds=S cpu_s=C
//     seconds: from just before connect() to the last block stored.
//
// Exit status 0 on success; errors go to stderr, exit 1.
'use strict'

const net = require('net')
const crypto = require('crypto')
const Hypercore = require('hypercore')

const APPEND_BATCH = 1000 // blocks per append

function fail (msg) {
  process.stderr.write('replicate.js: ' + msg + '\n')
  process.exit(1)
}

function num (s, what) {
  const n = Number(s)
  if (!Number.isSafeInteger(n) || n < 1) fail(what + ': not a number: ' + s)
  return n
}

async function writer (dir, blocks, bytes) {
  const core = new Hypercore(dir)
  await core.ready()
  const t0 = process.hrtime.bigint()
  // one random pool, sliced: distinct blocks without a randomBytes each
  const pool = crypto.randomBytes(bytes * APPEND_BATCH + 4096)
  for (let i = 0; i < blocks; i += APPEND_BATCH) {
    const batch = []
    const n = Math.min(APPEND_BATCH, blocks - i)
    for (let k = 0; k < n; k++) {
      const off = (i * 7 + k * 13) % 4096
      const b = Buffer.from(pool.subarray(k * bytes + off,
        k * bytes + off + bytes))
      b.writeUInt32BE((i + k) >>> 0, 0) // each block unique
      batch.push(b)
    }
    await core.append(batch)
  }
  const appendS = Number(process.hrtime.bigint() - t0) / 1e9
  if (core.length !== blocks) fail('core length ' + core.length)
  const server = net.createServer((socket) => {
    socket.setNoDelay(true)
    const stream = core.replicate(false)
    socket.pipe(stream).pipe(socket)
    socket.on('error', () => {})
    stream.on('error', () => {})
  })
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write('ready port=' + server.address().port +
      ' key=' + core.key.toString('hex') + ' blocks=' + blocks +
      ' bytes=' + bytes + ' append_s=' + appendS.toFixed(3) + '\n')
  })
  const stop = async () => {
    server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

async function reader (dir, port, keyHex, blocks) {
  const core = new Hypercore(dir, Buffer.from(keyHex, 'hex'))
  await core.ready()
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  let finished = false
  const socket = net.connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  const stream = core.replicate(true)
  socket.pipe(stream).pipe(socket)
  socket.on('error', (e) => { if (!finished) fail('socket: ' + e.message) })
  stream.on('error', (e) => {
    if (!finished) fail('replication: ' + e.message)
  })
  // every block, from 0 to the writer's length (learnt by update)
  await core.update({ wait: true })
  if (core.length !== blocks) fail('the writer has ' + core.length)
  const range = core.download({ start: 0, end: blocks })
  await range.done()
  if (core.contiguousLength !== blocks) {
    fail('contiguousLength ' + core.contiguousLength)
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  finished = true
  process.stdout.write('done blocks=' + blocks + ' seconds=' +
    s.toFixed(3) + ' cpu_s=' + ((cpu.user + cpu.system) / 1e6).toFixed(3) +
    '\n')
  socket.destroy()
  await core.close()
  process.exit(0)
}

const a = process.argv.slice(2)
if (a[0] === 'writer' && a.length === 4) {
  writer(a[1], num(a[2], 'BLOCKS'), num(a[3], 'BYTES'))
    .catch((e) => fail(e.stack))
} else if (a[0] === 'reader' && a.length === 5) {
  reader(a[1], num(a[2], 'PORT'), a[3], num(a[4], 'BLOCKS'))
    .catch((e) => fail(e.stack))
} else {
  fail('usage: replicate.js writer DIR BLOCKS BYTES | ' +
    'reader DIR PORT KEY BLOCKS')
}
