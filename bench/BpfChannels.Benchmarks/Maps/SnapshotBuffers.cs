using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>The C baselines' key and value buffers, allocated once outside the measured work.</summary>
internal sealed unsafe class SnapshotBuffers : IDisposable
{
    internal SnapshotBuffers(int capacity, int keySize, int valueSize)
    {
        Capacity = capacity;
        Keys = (byte*)NativeMemory.AlignedAlloc((nuint)(capacity * keySize), 64);
        Values = (byte*)NativeMemory.AlignedAlloc((nuint)(capacity * valueSize), 64);
        NativeMemory.Clear(Keys, (nuint)(capacity * keySize));
        NativeMemory.Clear(Values, (nuint)(capacity * valueSize));
    }

    internal int Capacity { get; }

    internal byte* Keys { get; }

    internal byte* Values { get; }

    public void Dispose()
    {
        NativeMemory.AlignedFree(Keys);
        NativeMemory.AlignedFree(Values);
    }
}
