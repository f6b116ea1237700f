module example.com/gowasm/gosym-oracle

go 1.19
