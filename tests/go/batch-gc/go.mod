module example.com/batch-gc

go 1.19
