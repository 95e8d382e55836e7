using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>The C baselines of native/poll_baseline.c: batch lookup of the whole map plus memcmp with the previous read, or plus a keyed diff.</summary>
internal static unsafe partial class ChannelsNative
{
    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_channels_poll")]
    internal static partial int Poll(int fd, byte* keys, byte* values, byte* previousKeys, byte* previousValues, int* previousCount, uint keySize, uint valueSize, int capacity, uint chunk);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_channels_poll_keyed")]
    internal static partial int PollKeyed(int fd, byte* keys, byte* values, byte* previousKeys, byte* previousValues, int previousCount, int* count, uint keySize, uint valueSize, int capacity, uint chunk);
}
