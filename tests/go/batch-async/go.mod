module example.com/batch-async

go 1.19
