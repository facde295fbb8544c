#!/bin/sh
# ctrlc-latency.sh measures how long announce takes to exit after Ctrl-C in
# each state of a send (connecting, greeting, stalled server, retrying,
# backing off, waiting for the reply to a message, at the confirmation
# prompt), against the in-process fault server on loopback. It prints a
# Markdown table. Needs Go and script(1) (util-linux).
set -eu
cd "$(dirname "$0")/.."
exec go run ./scripts/ctrlc
