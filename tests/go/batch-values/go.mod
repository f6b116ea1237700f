module example.com/batch-values

go 1.19
