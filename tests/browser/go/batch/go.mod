module example.com/browser/batch

go 1.19
