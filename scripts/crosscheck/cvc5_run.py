"""Runs one SMT-LIB script with cvc5's Python API (the PyPI wheel ships no executable).

Prints what the commands print (check-sat's answer first); the time spent parsing and
solving goes to standard error as `time SECONDS`.
"""
import sys
import time

import cvc5


def main(path):
    start = time.perf_counter()
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, path)
    answer = None
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        if command.getCommandName() == "get-model" and answer != "sat":
            break
        out = command.invoke(solver, symbols)
        if command.getCommandName() == "check-sat":
            answer = out.strip()
            print(f"time {time.perf_counter() - start:.6f}", file=sys.stderr)
        if out:
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
