module example.com/batch-exit

go 1.19
