"""vnsearch's engine: everything that is not HTTP. Text in, index out, queries in, results out."""
