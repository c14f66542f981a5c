"""Sample code shared by tests: what a risky change looks like."""

#: A module with a shell call (B602), eval (B307), the subprocess import (B404) and a function
#: of cyclomatic complexity 15 (DR-C001).
RISKY = '''\
import subprocess


def run_command(cmd):
    """Run a shell command."""
    return subprocess.call(cmd, shell=True)


def evaluate(user_input):
    """Evaluate what the user typed."""
    return eval(user_input)


def parse_row(row, mode):
    """Score one row of cells."""
    total = 0
    for cell in row:
        if cell is None:
            continue
        elif cell == "a":
            total += 1
        elif cell == "b":
            total += 2
        elif cell == "c":
            total += 3
        elif cell == "d" and mode:
            total += 4
        elif cell == "e" or mode == "x":
            total += 5
        elif cell == "f":
            total += 6
        elif cell == "g":
            total += 7
        elif cell == "h":
            total += 8
        elif cell == "i":
            total += 9
        elif cell == "j":
            total += 10
        else:
            total -= 1
    return total
'''
