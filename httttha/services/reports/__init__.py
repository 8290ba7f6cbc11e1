"""Báo cáo trực tuyến (D1-D4): uploading, approving and finding the
periodic reports of Công văn 1607/TCTHADS-VP, and their calendar."""
