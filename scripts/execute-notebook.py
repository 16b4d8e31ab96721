"""Execute one notebook through the Jupyter kernel protocol (nbclient) and report as JSON lines.

Driven by src/report/execute-notebooks.ts; not meant to be run by hand, though it can be:
  python3 scripts/execute-notebook.py IN.ipynb OUT.ipynb --cwd notebooks --timeout 600 [--allow-errors]
      [--partial PARTIAL.ipynb] [--provenance JSON]

stdout carries one JSON object per line:
  {"event": "start", "cells": N}
  {"event": "cell", "index": i, "seconds": s, "error": bool}   after each code cell
  {"event": "done"}                                             every cell ran (errors allowed)
  {"event": "failed", "kind": "error"|"timeout"|"dead-kernel"|"startup", "index": i|null,
   "ename": ..., "evalue": ..., "traceback": [...]}
OUT is replaced atomically, and only by a notebook whose every cell ran (a previous good copy
survives a failure, a timeout or Ctrl-C); its metadata "atlas_execution" holds --provenance plus
"complete": true. A notebook that stopped early is written to PARTIAL instead, for inspection.
"""
import argparse
import os
import re
import json
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def emit(**obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def error_output(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out
    return None


# tslab reports a failed cell only by status "error" in the execute reply and the message on
# stderr (no "error" output), so the exception name and message are read back from stderr.
ERROR_LINE = re.compile(r"^\s*([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: (.*)$")


def describe_failure(cell, reply_content):
    stderr = "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    ename = reply_content.get("ename") or ""
    evalue = reply_content.get("evalue") or ""
    if not ename:
        matches = [m for m in (ERROR_LINE.match(l) for l in stderr.splitlines()) if m]
        if matches:
            ename, evalue = matches[0].group(1), matches[0].group(2)
        else:  # e.g. a TypeScript compile error: "3:7 - Type 'string' is not assignable ..."
            first = next((l.strip() for l in stderr.splitlines() if l.strip()), "")
            ename, evalue = "Error", first or "the kernel reported an error without a message"
    traceback = reply_content.get("traceback") or stderr.splitlines()
    return ename, evalue, traceback


def write_atomic(nb, path):
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def interrupt_once(signum, frame):
    # Ctrl-C reaches this process and its parent (which forwards it too): raise once, then let the
    # partial copy be written and the kernel shut down without a second interrupt cutting it short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main():
    signal.signal(signal.SIGINT, interrupt_once)
    signal.signal(signal.SIGTERM, interrupt_once)
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--cwd", required=True)
    ap.add_argument("--timeout", type=int, required=True, help="seconds per cell")
    ap.add_argument("--startup-timeout", type=int, default=120)
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--allow-errors", action="store_true")
    ap.add_argument("--partial", help="where a notebook that stopped early is written (default: OUT.partial.ipynb)")
    ap.add_argument("--provenance", default="{}", help="JSON recorded in the executed notebook's metadata")
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    state = {"index": None, "started": 0.0}

    def on_cell_start(cell, cell_index, **_):
        state["index"] = cell_index
        state["started"] = time.monotonic()

    def on_cell_executed(cell, cell_index, execute_reply=None, **_):
        content = (execute_reply or {}).get("content", {})
        failed = content.get("status") == "error" or error_output(cell) is not None
        if failed and error_output(cell) is None:
            # Record the failure as a standard nbformat error output so every front end (and the
            # report) shows it as an error; the stderr stream keeps the full stack.
            ename, evalue, _ = describe_failure(cell, content)
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[]))
            # tslab aborts requests that arrive within 200 ms of a failure (it drains its queue):
            # wait so that, with --allow-errors, the next cell really runs.
            time.sleep(0.3)
        emit(event="cell", index=cell_index, seconds=round(time.monotonic() - state["started"], 3), error=failed)

    client = NotebookClient(
        nb,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        kernel_name=args.kernel,
        allow_errors=args.allow_errors,
        resources={"metadata": {"path": args.cwd}},
        record_timing=True,
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    emit(event="start", cells=len(nb.cells))
    failure = None
    interrupted = False
    try:
        client.execute()
    except CellTimeoutError as e:
        failure = dict(kind="timeout", ename="Timeout",
                       evalue=f"the cell did not finish within {args.timeout:g} s", traceback=[])
    except DeadKernelError as e:
        failure = dict(kind="dead-kernel", ename="DeadKernelError", evalue=str(e), traceback=[])
    except CellExecutionError as e:
        cell = nb.cells[state["index"]] if state["index"] is not None else {}
        ename, evalue, traceback = describe_failure(cell, {})
        out = error_output(cell) or {}
        failure = dict(kind="error", ename=out.get("ename") or ename, evalue=out.get("evalue") or evalue,
                       traceback=out.get("traceback") or traceback)
    except Exception as e:  # kernel failed to start, or another client-side failure
        failure = dict(kind="startup" if state["index"] is None else "error",
                       ename=type(e).__name__, evalue=str(e), traceback=[])
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group
        interrupted = True
    partial = args.partial or re.sub(r"\.ipynb$", "", args.output) + ".partial.ipynb"
    complete = not (failure or interrupted)
    nb.metadata["atlas_execution"] = {**json.loads(args.provenance), "complete": complete}
    target = args.output if complete else partial
    try:
        write_atomic(nb, target)
        if complete and os.path.exists(partial):
            os.remove(partial)
    except OSError as e:  # e.g. a read-only output folder: a message, not a traceback
        emit(event="failed", index=None, kind="write", ename=type(e).__name__,
             evalue=f"cannot write {target}: {e.strerror or e}", traceback=[])
        sys.exit(1)
    if interrupted:
        emit(event="failed", index=state["index"], kind="interrupted", ename="KeyboardInterrupt",
             evalue="interrupted (Ctrl-C)", traceback=[])
        sys.exit(130)
    if failure:
        emit(event="failed", index=state["index"], **failure)
        sys.exit(1)
    emit(event="done")


if __name__ == "__main__":
    main()
