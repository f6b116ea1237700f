module example.com/batch-setindex

go 1.19
