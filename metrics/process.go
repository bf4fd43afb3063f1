package metrics

// The process's metrics, with client_golang's ProcessCollector's names,
// types and help. They are read from /proc at scrape time (Linux only: on
// other systems they are left out).
var (
	descCPU = &desc{name: "process_cpu_seconds_total", typ: counterType,
		help: "Total user and system CPU time spent in seconds."}
	descMaxFDs = &desc{name: "process_max_fds", typ: gaugeType,
		help: "Maximum number of open file descriptors."}
	descOpenFDs = &desc{name: "process_open_fds", typ: gaugeType,
		help: "Number of open file descriptors."}
	descRSS = &desc{name: "process_resident_memory_bytes", typ: gaugeType,
		help: "Resident memory size in bytes."}
	descStart = &desc{name: "process_start_time_seconds", typ: gaugeType,
		help: "Start time of the process since unix epoch in seconds."}
	descVSize = &desc{name: "process_virtual_memory_bytes", typ: gaugeType,
		help: "Virtual memory size in bytes."}
	descVMax = &desc{name: "process_virtual_memory_max_bytes", typ: gaugeType,
		help: "Maximum amount of virtual memory available in bytes."}
	descNetRx = &desc{name: "process_network_receive_bytes_total", typ: counterType,
		help: "Number of bytes received by the process over the network."}
	descNetTx = &desc{name: "process_network_transmit_bytes_total", typ: counterType,
		help: "Number of bytes sent by the process over the network."}
)
