using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Events;

/// <summary>The C baseline of native/ringbuf_baseline.c: a libbpf-style reader of the same ring buffer.</summary>
internal static unsafe partial class EventsNative
{
    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_open", SetLastError = true)]
    internal static partial nint Open(int fd, uint size);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_drain")]
    internal static partial long Drain(nint ringBuffer, ulong* sum);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_ringbuf_close")]
    internal static partial void Close(nint ringBuffer);
}
