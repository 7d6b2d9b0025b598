#!/usr/bin/env python3
"""A loopback TCP proxy that adds network latency, for scripts/bench: every new connection
waits one round trip before it is open, and every chunk waits half a round trip in its
direction, in order. Put it in front of moto (AWS requests) or the test VM's sshd.

    latency-proxy.py --to 127.0.0.1:PORT --rtt-ms 50   # prints "READY <port>"

Listens on 127.0.0.1 only and forwards only to the address given.
"""
import argparse
import asyncio
import sys
import time


async def pump(reader, writer, half):
    # A queue per direction keeps chunks in order while each one waits its own delay.
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((time.monotonic() + half, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


async def handle(client_r, client_w, host, port, rtt):
    await asyncio.sleep(rtt)  # the TCP handshake's round trip
    try:
        up_r, up_w = await asyncio.open_connection(host, port)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pump(client_r, up_w, rtt / 2), pump(up_r, client_w, rtt / 2))


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to", required=True, help="HOST:PORT to forward to (loopback)")
    ap.add_argument("--rtt-ms", type=float, default=50)
    args = ap.parse_args()
    host, port = args.to.rsplit(":", 1)
    if not host.startswith("127."):
        sys.exit("latency-proxy: forwards to loopback addresses only")
    rtt = args.rtt_ms / 1000
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, host, int(port), rtt), "127.0.0.1", 0)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
