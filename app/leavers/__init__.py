"""Leavers: retirement, resignation, dismissal, death; the archive (thư mục riêng),
reinstatement, and the retirement forecast (Nghị định 135/2020/NĐ-CP)."""
