using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// The C baselines of the ring buffer benchmarks: native/ringbuf_baseline.c (a hand-written libbpf-style reader of the
/// same ring buffer) and native/ringbuf_libbpf_baseline.c (libbpf's own ring_buffer__new / ring_buffer__consume).
/// </summary>
internal static unsafe partial class EventsNative
{
    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_open", SetLastError = true)]
    internal static partial nint Open(int fd, uint size);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_drain")]
    internal static partial long Drain(nint ringBuffer, ulong* sum);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_close")]
    internal static partial void Close(nint ringBuffer);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_libbpf_open", SetLastError = true)]
    internal static partial nint OpenLibbpf(int fd);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_libbpf_drain")]
    internal static partial long DrainLibbpf(nint ringBuffer, ulong* sum);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_libbpf_close")]
    internal static partial void CloseLibbpf(nint ringBuffer);
}
