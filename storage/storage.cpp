namespace storage { int placeholder() { return 0; } }
