module example.com/fixtures/loops

go 1.19
