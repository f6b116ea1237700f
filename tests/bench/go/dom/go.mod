module example.com/bench/dom

go 1.19
