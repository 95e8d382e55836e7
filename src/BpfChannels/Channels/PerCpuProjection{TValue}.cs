using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// Turns a per-CPU snapshot (every CPU's value, each padded to 8 bytes) into one value per key: one CPU's, or an
/// aggregate of all of them. Reuses its buffers, so a steady-state projection allocates nothing.
/// </summary>
internal sealed class PerCpuProjection<TValue> : SnapshotProjection
    where TValue : unmanaged
{
    private readonly int _cpu;
    private readonly Func<ReadOnlySpan<TValue>, TValue>? _aggregate;
    private readonly TValue[] _gathered;

    public PerCpuProjection(int cpu, Func<ReadOnlySpan<TValue>, TValue>? aggregate)
    {
        _cpu = cpu;
        _aggregate = aggregate;
        _gathered = aggregate is null ? [] : new TValue[BpfSystem.PossibleCpuCount];
    }

    public override void Project(BpfMapSnapshot raw, BpfMapSnapshot target)
    {
        int count = raw.Count;
        int stride = BpfMap.PerCpuStride(target.ValueSize);
        target.Reset(count);
        raw.Keys.CopyTo(target.KeyRange(0, count));
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> all = raw.ValueAt(i);
            Span<byte> slot = target.ValueSlot(i);
            if (_aggregate is null)
            {
                all.Slice(_cpu * stride, target.ValueSize).CopyTo(slot);
                continue;
            }

            for (int cpu = 0; cpu < _gathered.Length; cpu++)
            {
                _gathered[cpu] = MemoryMarshal.Read<TValue>(all.Slice(cpu * stride));
            }

            TValue aggregated = _aggregate(_gathered);
            MemoryMarshal.Write(slot, in aggregated);
        }

        target.SetCount(count);
        target.Strategy = raw.Strategy;
    }
}
