module example.com/fixtures/leakfixed

go 1.19
