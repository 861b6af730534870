"""How long the password rule (``accounts.rules.password_problem``) takes on ordinary and hostile
passwords. zxcvbn alone takes seconds on 72 characters full of distinct l33t characters; the rule
judges a shorter prefix of those. Prints numbers; never fails on speed."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zxcvbn import zxcvbn  # noqa: E402

from app.accounts.rules import judged_part, password_problem  # noqa: E402

CASES = {
    "ordinary passphrase": "Lahore-bus-1999",
    "long passphrase": "the ravi runs past the old fort at dusk 1947",
    "random printable, 72": "cN7;|qAH{l$Jmy5O[%}mOGV%e>3Wn!x9@4(8)0+2&6*7#5=1~b<c{d[e]f}g|h^i?j/k:lm",
    "distinct l33t characters, 72": ("@!1|7$5304+%(<{[8639" * 4)[:72],
    "l33t table, 72": ("4@8(6<{[&3!|1+%9025$7" * 4)[:72],
}


def best_of(function, value, runs: int = 3) -> float:
    """The fastest of ``runs`` calls, in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function(value)
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def main() -> None:
    print(f"{'password':32} {'judged':>6} {'rule ms':>8} {'zxcvbn on 72 ms':>16}")
    for name, password in CASES.items():
        print(f"{name:32} {len(judged_part(password)):6d} {best_of(lambda p: password_problem(p, 'amina'), password):8.1f} "
              f"{best_of(lambda p: zxcvbn(p[:72]), password, runs=1):16.1f}")


if __name__ == "__main__":
    main()
