"""The fuzz report: how many malformed requests were sent, printed at the end of the run."""

FUZZ_REPORT = []


def pytest_terminal_summary(terminalreporter):
    for line in FUZZ_REPORT:
        terminalreporter.write_line(line)
