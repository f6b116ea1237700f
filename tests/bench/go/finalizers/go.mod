module example.com/bench/finalizers

go 1.19
