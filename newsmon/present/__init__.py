"""What people read: terminal rendering, the HTML report, exports."""
