"""Command line: ``python -m dashboard check`` — does the boundary file fit the commune registry?

``python -m dashboard serve [streamlit options]`` starts the dashboard with its imports, data and
boundaries ready before the first visitor (dashboard/warmup.py).

``python -m dashboard hash-password`` asks for a password twice and prints the line to paste as
``password_hash`` in the users file (dashboard/auth.py).

The secretariat runs it before a meeting, with the same ``DASHBOARD_CONFIG`` and the same loaders
as the dashboard, and reads the answer in Vietnamese. Exit codes: 0 = every registry unit has
exactly one boundary; 1 = some units are missing or ambiguous; 2 = the settings, the registry or
the boundary file cannot be read at all.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from dashboard import auth, boundaries, loaders
from dashboard.config import ConfigError, load_config

EXIT_OK, EXIT_MISMATCH, EXIT_UNUSABLE = 0, 1, 2
MIN_PASSWORD = 10


def check(out: Callable[[str], None] = print) -> int:
    """Print the matching report and return the exit code."""
    try:
        cfg = load_config()
    except ConfigError as exc:
        out(f"LỖI THIẾT LẬP: {exc}")
        return EXIT_UNUSABLE
    out(f"Tệp ranh giới: {cfg.boundaries_file}")
    out(f"Thư mục dữ liệu: {cfg.data_dir}")
    data = loaders.load_dataset(cfg)
    communes = data.tables["communes"]
    for problem in communes.problems:
        out(f"  ! {problem.describe()}")
    for problem in data.meta_problems:  # dataset.json and the groups file
        out(f"  ! {problem.describe()}")
    if communes.frame.empty:
        out("KẾT QUẢ: chưa có danh mục xã hợp lệ (communes.csv) nên không thể so khớp ranh giới.")
        return EXIT_UNUSABLE
    bounds = boundaries.load_boundaries(cfg, communes.frame)
    report = bounds.matching
    if report is None:
        for problem in bounds.problems:
            out(f"  ! {problem.describe()}")
        out("KẾT QUẢ: không đọc được tệp ranh giới; bản đồ sẽ không hiển thị.")
        return EXIT_UNUSABLE
    # The summary Problems repeat the report; the others (bad shapes, duplicate codes) are news.
    for problem in bounds.problems:
        if problem not in bounds.matching_problems:
            out(f"  ! {problem.describe()}")
    if len(bounds.districts):
        out(f"Cấp huyện/nhóm xã trên bản đồ: {len(bounds.districts)} vùng.")
    others = sum(len(t.problems) for name, t in data.tables.items() if name != "communes")
    if others:
        out(f"(Các bảng số liệu khác có {others} lỗi; xem trang Dữ liệu. Không ảnh hưởng tới ranh giới.)")
    for line in report.lines():
        out(line)
    return EXIT_OK if report.ok else EXIT_MISMATCH


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the chosen command."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Kiểm tra tệp ranh giới và danh mục xã theo thiết lập trong DASHBOARD_CONFIG.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="so khớp ranh giới với danh mục xã; mã thoát 0 = khớp đủ")
    sub.add_parser("hash-password", help="băm một mật khẩu để ghi vào tệp người dùng (password_hash)")
    sub.add_parser(
        "serve",
        help="chạy bảng điều hành (streamlit run app.py) sau khi nạp sẵn thư viện và dữ liệu; "
        "các tùy chọn còn lại chuyển cho streamlit, ví dụ --server.port 8502",
    )
    args, rest = parser.parse_known_args(argv)
    if args.command == "serve":
        from dashboard import warmup

        return warmup.serve(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if hasattr(sys.stdout, "reconfigure"):  # Vietnamese must print even on a console set to ASCII
        sys.stdout.reconfigure(errors="replace")
    if args.command == "hash-password":
        return hash_password()
    return check()


def hash_password(out: Callable[[str], None] = print) -> int:
    """Ask for a password twice (not echoed) and print its hash; exit 1 when they differ or it is short."""
    first = getpass.getpass("Mật khẩu mới: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        out("Hai lần nhập không giống nhau; chưa tạo mật khẩu.")
        return 1
    if len(first) < MIN_PASSWORD:
        out(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
        return 1
    out("Dán dòng sau vào tệp người dùng, trong bảng [users.<tên đăng nhập>]:")
    out(f'password_hash = "{auth.hash_password(first)}"')
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
