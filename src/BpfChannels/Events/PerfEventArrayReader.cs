using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static BpfChannels.Interop;

namespace BpfChannels.Events;

/// <summary>
/// Reads a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY) that a program writes with
/// <c>bpf_perf_event_output</c>: one BPF-output perf event and ring per CPU, registered in the map.
/// </summary>
/// <remarks>
/// Needs Linux 4.4. Constructing the reader stores its perf event descriptors into the map, replacing any
/// that were there. Samples the kernel could not store because a CPU's ring was full are counted in
/// <see cref="LostSamples"/>. Consuming must not run concurrently; <see cref="Dispose"/> is thread-safe.
/// The raw sample the kernel hands over is padded to keep records 8-byte aligned, so a sample may be up to
/// 7 bytes longer than what the program wrote.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class PerfEventArrayReader : EventBufferReader
{
    private readonly Buffer[] _buffers;
    private readonly ulong _dataSize;
    private byte[] _scratch = new byte[256];
    private long _lost;
    private int _consuming;
    private readonly BpfMap _map;
    private readonly List<uint> _stored = [];

    /// <summary>Opens a perf event and a ring of <paramref name="pagesPerCpu"/> pages for every possible CPU and stores them in <paramref name="map"/>.</summary>
    /// <param name="map">A kernel map of type <see cref="BpfMapType.PerfEventArray"/>.</param>
    /// <param name="pagesPerCpu">Data pages per CPU; a power of two.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">The map is not a kernel perf event array, or <paramref name="pagesPerCpu"/> is not a power of two.</exception>
    /// <exception cref="BpfException">perf_event_open, mmap, ioctl or the map update failed.</exception>
    public PerfEventArrayReader(BpfMap map, int pagesPerCpu = 8)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != BpfMapType.PerfEventArray || map.IsInMemory)
        {
            throw new ArgumentException($"{map} is not a kernel {BpfMapType.PerfEventArray} map.", nameof(map));
        }

        if (pagesPerCpu <= 0 || !BitOperations.IsPow2(pagesPerCpu))
        {
            throw new ArgumentException($"Pages per CPU must be a power of two, not {pagesPerCpu}.", nameof(pagesPerCpu));
        }

        Name = map.Name;

        // A map entry holds its perf event open: the reader removes its entries when it is disposed (as
        // libbpf's perf_buffer__free does), through its own descriptor, so the caller may dispose the map first.
        _map = DuplicateMap(map);
        int page = Environment.SystemPageSize;
        _dataSize = (ulong)pagesPerCpu * (ulong)page;
        int cpus = Math.Min(BpfSystem.PossibleCpuCount, map.MaxEntries);
        var buffers = new List<Buffer>(cpus);
        try
        {
            for (int cpu = 0; cpu < cpus; cpu++)
            {
                var attr = new PerfEvent.perf_event_attr
                {
                    type = PerfEvent.PERF_TYPE_SOFTWARE,
                    size = (uint)sizeof(PerfEvent.perf_event_attr),
                    config = PerfEvent.PERF_COUNT_SW_BPF_OUTPUT,
                    sample_period = 1,
                    sample_type = PerfEvent.PERF_SAMPLE_RAW,
                    flags = PerfEvent.ATTR_FLAG_DISABLED,
                    wakeup_events = 1,
                };
                int errno = PerfEvent.Open(ref attr, -1, cpu, out int fd);
                if (errno == Errno.ENODEV)
                {
                    continue; // A possible CPU that is offline has no events.
                }

                if (errno != 0)
                {
                    throw BpfErrors.Create(errno, BpfCommand.PerfEventOpen, $"{Name} (CPU {cpu})");
                }

                var handle = new SafeFileHandle(fd, ownsHandle: true);
                MappedMemory memory;
                try
                {
                    memory = MappedMemory.Map(handle, (nuint)page + (nuint)_dataSize, Libc.PROT_READ | Libc.PROT_WRITE, 0, $"{Name} (CPU {cpu})");
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }

                buffers.Add(new Buffer(handle, memory, page));
                int error = PerfEvent.Ioctl(fd, PerfEvent.PERF_EVENT_IOC_ENABLE);
                if (error != 0)
                {
                    throw BpfErrors.Create(error, BpfCommand.PerfEventIocEnable, $"{Name} (CPU {cpu})");
                }

                uint key = (uint)cpu;
                errno = _map.UpdateCore(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in key)), MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in fd)), 0);
                if (errno != 0)
                {
                    throw map.Error(errno, BpfCommand.MapUpdateElem);
                }

                _stored.Add(key);
            }
        }
        catch
        {
            foreach (Buffer buffer in buffers)
            {
                buffer.Dispose();
            }

            RemoveEntries();
            throw;
        }

        _buffers = [.. buffers];
    }

    /// <summary>The map's name.</summary>
    public string Name { get; }

    /// <summary>The number of per-CPU rings (online possible CPUs).</summary>
    public int BufferCount => _buffers.Length;

    /// <summary>The samples the kernel reported lost (ring full) since the reader was created, over all CPUs. Thread-safe.</summary>
    public long LostSamples => Interlocked.Read(ref _lost);

    /// <summary>Hands every sample in every CPU's ring to <paramref name="handler"/>.</summary>
    /// <param name="handler">Receives each sample's raw data; the span is valid only during the call.</param>
    /// <returns>The number of samples handled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is consuming.</exception>
    public int Consume(RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int count = 0;
        for (int i = 0; i < _buffers.Length; i++)
        {
            count += ConsumeBuffer(i, handler);
        }

        return count;
    }

    /// <summary>Completes the streams, disables the perf events, unmaps the rings and closes the descriptors.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="EventBufferReader.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (Buffer buffer in _buffers)
            {
                buffer.Dispose();
            }

            RemoveEntries();
        }
    }

    private static BpfMap DuplicateMap(BpfMap map)
    {
        BpfHandle handle = map.Handle;
        using var lease = new HandleLease(handle);
        return BpfMap.FromHandle(BpfHandle.Duplicate(handle.FileDescriptor));
    }

    private void RemoveEntries()
    {
        lock (_stored)
        {
            if (_map.IsDisposed)
            {
                return;
            }

            foreach (uint key in _stored)
            {
                uint cpu = key;
                _ = _map.DeleteCore(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in cpu)));
            }

            _stored.Clear();
            _map.Dispose();
        }
    }

    internal SafeHandle BufferHandle(int index) => _buffers[index].Handle;

    internal int ConsumeBuffer(int index, RecordHandler handler)
    {
        var sink = new RecordSinks.Span(handler);
        return ConsumeBuffer(index, ref sink);
    }

    private protected override void Register<T>(EventLoop loop, Action<T> onNext)
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            int index = i;
            loop.Add(IsDisposedCheck, _buffers[i].Handle, Libc.EPOLLIN, () =>
            {
                var sink = new RecordSinks.Copy<T>(onNext);
                return ConsumeBuffer(index, ref sink);
            });
        }
    }

    private int ConsumeBuffer<TSink>(int index, ref TSink sink)
        where TSink : struct, IRecordHandler
    {
        Buffer buffer = _buffers[index];
        using MappedMemory.Lease lease = buffer.Memory.Acquire();
        if (Interlocked.Exchange(ref _consuming, 1) != 0)
        {
            throw new InvalidOperationException($"Perf event array '{Name}' is already being consumed on another thread.");
        }

        long lost = 0;
        var page = (PerfEvent.perf_event_mmap_page*)buffer.Memory.Pointer;
        ulong start = page->data_tail;
        try
        {
            int count = PerfBufferProtocol.Consume(page, buffer.Memory.Pointer + buffer.DataOffset, _dataSize, ref _scratch, ref sink, ref lost);
            EventMetrics.Consumed(Name, count, (long)(page->data_tail - start));
            return count;
        }
        finally
        {
            if (lost != 0)
            {
                Interlocked.Add(ref _lost, lost);
                EventMetrics.LostSamples.Add(lost, new KeyValuePair<string, object?>(EventMetrics.MapTag, Name));
            }

            Volatile.Write(ref _consuming, 0);
        }
    }

    private sealed class Buffer(SafeFileHandle handle, MappedMemory memory, int dataOffset) : IDisposable
    {
        public SafeFileHandle Handle { get; } = handle;

        public MappedMemory Memory { get; } = memory;

        public int DataOffset { get; } = dataOffset;

        public void Dispose()
        {
            try
            {
                using var lease = new HandleLease(Handle);
                _ = PerfEvent.Ioctl(lease.FileDescriptor, PerfEvent.PERF_EVENT_IOC_DISABLE);
            }
            catch (ObjectDisposedException)
            {
                // Already closed by a concurrent Dispose: the event is gone.
            }

            // The descriptor before the mapping, so an event loop that finds the mapping gone sees a closed source.
            Handle.Dispose();
            Memory.Dispose();
        }
    }
}
