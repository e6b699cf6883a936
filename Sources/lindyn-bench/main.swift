print("lindyn-bench: not yet")
