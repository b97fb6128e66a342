TITLE dei_poisson: Poisson spike source (artificial cell) with its own Random123 stream
COMMENT
Emits spikes of a homogeneous Poisson process of rate rate_hz (Hz) between start and stop (ms):
inter-spike intervals are exponential with mean 1000/rate_hz ms, drawn from the instance's
RANDOM stream (NEURON 9, Random123). The stream is reset to its start at every finitialize,
so a run is reproducible; choose the stream from Python with src.rng.set_ids(id1, id2, id3)
(dendriteei uses (run seed, stimulus, target gid), so the spikes do not depend on the number
of ranks or the order of creation). No dt appears; the process is exact in continuous time.

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    ARTIFICIAL_CELL dei_poisson
    RANGE rate_hz, start, stop, n_spikes
    RANDOM rng
}

PARAMETER {
    rate_hz = 10 (1)        : mean rate (Hz)
    start = 0 (ms)          : no spike before start
    stop = 1e9 (ms)         : no spike after stop
}

ASSIGNED {
    n_spikes (1)
}

INITIAL {
    random_setseq(rng, 0)
    n_spikes = 0
    if (rate_hz > 0) {
        net_send(start - t + interval(), 1)
    }
}

FUNCTION interval() (ms) {
    interval = 1000*random_negexp(rng)/rate_hz
}

NET_RECEIVE(w) {
    if (flag == 1) {
        if (t <= stop) {
            net_event(t)
            n_spikes = n_spikes + 1
            net_send(interval(), 1)
        }
    }
}
