using static BpfChannels.Interop;

namespace BpfChannels.Events;

/// <summary>
/// The memory of a ring buffer map as the kernel lays it out: the consumer page at offset 0, then the
/// producer page and the data area mapped twice in a row (so records that wrap are contiguous). Shared by
/// the reader of BPF_MAP_TYPE_RINGBUF and the writer of BPF_MAP_TYPE_USER_RINGBUF, which are mirror images:
/// user space may write only the page of the position it owns, plus the data area when it is the producer.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe class RingMapping : IDisposable
{
    private readonly MappedMemory _consumer;
    private readonly MappedMemory _producer;

    public RingMapping(BpfMap map, BpfMapType type)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != type || map.IsInMemory)
        {
            throw new ArgumentException($"{map} is not a kernel {type} map.", nameof(map));
        }

        map.ThrowIfDisposed();
        Name = map.Name;
        Size = map.MaxEntries;
        Mask = (ulong)Size - 1;
        bool userProduces = type == BpfMapType.UserRingBuffer;
        int page = Environment.SystemPageSize;
        Handle = DuplicateHandle(map);
        try
        {
            _consumer = MappedMemory.Map(Handle, (nuint)page, userProduces ? Libc.PROT_READ : Libc.PROT_READ | Libc.PROT_WRITE, 0, Name);
            _producer = MappedMemory.Map(Handle, (nuint)page + (2 * (nuint)Size), userProduces ? Libc.PROT_READ | Libc.PROT_WRITE : Libc.PROT_READ, page, Name);
        }
        catch
        {
            _consumer?.Dispose();
            Handle.Dispose();
            throw;
        }

        ConsumerPos = (ulong*)_consumer.Pointer;
        ProducerPos = (ulong*)_producer.Pointer;
        Data = _producer.Pointer + page;
    }

    public string Name { get; }

    public int Size { get; }

    public ulong Mask { get; }

    /// <summary>This mapping's own duplicate of the map descriptor (what epoll waits on).</summary>
    public BpfHandle Handle { get; }

    public ulong* ConsumerPos { get; }

    public ulong* ProducerPos { get; }

    public byte* Data { get; }

    /// <summary>Bytes between the consumer and producer positions.</summary>
    public long PendingBytes
    {
        get
        {
            using Lease lease = Acquire();
            return (long)RingBufferProtocol.Pending(ConsumerPos, ProducerPos);
        }
    }

    /// <summary>Keeps both mappings alive until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The mapping is disposed.</exception>
    public Lease Acquire() => new(_consumer.Acquire(), _producer.Acquire());

    public void Dispose()
    {
        // The descriptor first: an event loop that then finds the mappings gone sees a closed source, not a fault.
        Handle.Dispose();
        _producer.Dispose();
        _consumer.Dispose();
    }

    internal static BpfHandle DuplicateHandle(BpfMap map)
    {
        using var lease = new HandleLease(map.Handle);
        return BpfHandle.Duplicate(map.Handle.FileDescriptor);
    }

    internal readonly struct Lease(MappedMemory.Lease consumer, MappedMemory.Lease producer) : IDisposable
    {
        public void Dispose()
        {
            producer.Dispose();
            consumer.Dispose();
        }
    }
}
