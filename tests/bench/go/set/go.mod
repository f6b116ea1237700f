module example.com/bench/set

go 1.19
