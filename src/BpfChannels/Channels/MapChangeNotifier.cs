using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BpfChannels.Events;

namespace BpfChannels;

/// <summary>
/// Reads the change ring a BPF object declares with <c>BPFCHAN_CHANGES</c> (<c>bpfchannels.h</c>) and hands each
/// change notice to the notified map channels (<see cref="MapChannelMode.Notified"/>) of the map it names. One
/// dedicated thread sleeps in epoll until the kernel commits a notice, so nothing runs while nothing changes; the same
/// thread runs each channel's reconciliations when they are due, and at once when the program counted lost notices.
/// </summary>
/// <remarks>
/// <para>A notice is <c>tag, kind, key</c> (docs/notified-channels.md): the tag is <see cref="Tag"/> of the map's name,
/// so one ring serves every map of the object. Notices whose tag no attached channel has are counted in
/// <see cref="UnmatchedNotices"/> and dropped.</para>
/// <para>Kernel 5.8 (BPF_MAP_TYPE_RINGBUF). Thread-safe. A ring has one consumer: do not read the same ring with a
/// <see cref="RingBufferReader"/> or a second notifier meanwhile. Channels must be completed (or their mode changed)
/// before the notifier is disposed; a disposed notifier delivers nothing more, and channels that still use it go on
/// only through <see cref="MapChannel.Poll"/>. The notifier does not own the maps.</para>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MapChangeNotifier : IDisposable, INotifierLink
{
    /// <summary>The name <c>BPFCHAN_CHANGES</c> gives the change ring.</summary>
    public const string RingName = "bpfchan_changes";

    /// <summary>The name <c>BPFCHAN_CHANGES</c> gives the lost-notice counter (a one-entry array of one <c>__u64</c>).</summary>
    public const string LostCounterName = "bpfchan_lost";

    /// <summary>The size of a notice's fixed header; the key's bytes follow it.</summary>
    internal const int HeaderSize = 8;

    // How soon after notices the lost counter is read again (a ring that was emptied wakes nobody, so a reservation
    // that failed just after a drain is found by this check or the next big drain).
    private static readonly long RecheckTicks = Stopwatch.Frequency / 20;

    private readonly RingBufferReader _reader;
    private readonly EventLoop _loop;
    private readonly BpfMap _lostCounter;
    private readonly byte[] _lostValue = new byte[sizeof(ulong)];
    private readonly Lock _lock = new();
    private readonly Thread _thread;
    private TagRoutes _byTag = TagRoutes.None;
    private INotifiedChannel[] _channels = [];
    private long _notices;
    private long _unmatched;
    private long _malformed;
    private long _lost;
    private long _drainedBytes;
    private volatile bool _disposed;

    /// <summary>Starts reading <paramref name="ring"/>; the notices go to channels as they attach.</summary>
    /// <param name="ring">The change ring (<see cref="RingName"/>, a <see cref="BpfMapType.RingBuffer"/>).</param>
    /// <param name="lostCounter">The lost-notice counter (<see cref="LostCounterName"/>: an array of 4-byte keys and 8-byte values).</param>
    /// <param name="meterFactory">The factory whose <c>BpfChannels</c> meter counts the ring's records and bytes (docs/metrics.md), or <see langword="null"/> for the process-wide meter.</param>
    /// <exception cref="ArgumentNullException">A map is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A map is not of the kind <c>BPFCHAN_CHANGES</c> declares, or is not a kernel map.</exception>
    /// <exception cref="ObjectDisposedException">A map is disposed.</exception>
    /// <exception cref="BpfException">Mapping the ring or creating the epoll instance failed.</exception>
    public MapChangeNotifier(BpfMap ring, BpfMap lostCounter, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(lostCounter);
        ObjectDisposedException.ThrowIf(lostCounter.IsDisposed, lostCounter);
        if (lostCounter.Type != BpfMapType.Array || lostCounter.KeySize != sizeof(uint) || lostCounter.ValueSize != sizeof(ulong) || lostCounter.IsInMemory)
        {
            throw new ArgumentException(
                $"The lost-notice counter must be a kernel array of 4-byte keys and 8-byte values, as BPFCHAN_CHANGES declares '{LostCounterName}'; '{lostCounter.Name}' is {lostCounter}.",
                nameof(lostCounter));
        }

        _lostCounter = lostCounter;
        _reader = new RingBufferReader(ring) { MeterFactory = meterFactory };
        try
        {
            _loop = new EventLoop();
            _loop.Add(_reader, OnRecord);
        }
        catch
        {
            _loop?.Dispose();
            _reader.Dispose();
            throw;
        }

        _lost = ReadLost();
        _thread = new Thread(Run) { IsBackground = true, Name = $"bpfchannels notices {ring.Name}" };
        _thread.UnsafeStart();
    }

    /// <summary>The change ring's name.</summary>
    public string Name => _reader.Name;

    /// <summary>The number of notices read from the ring.</summary>
    public long Notices => Interlocked.Read(ref _notices);

    /// <summary>The number of notices whose tag named no attached channel (a map nobody watches, or a tag collision avoided).</summary>
    public long UnmatchedNotices => Interlocked.Read(ref _unmatched);

    /// <summary>The number of records that were not notices (shorter than their header says); they are skipped.</summary>
    public long MalformedNotices => Interlocked.Read(ref _malformed);

    /// <summary>The lost-notice counter as last read: notices the program could not publish because the ring was full.</summary>
    public long LostNotices => Interlocked.Read(ref _lost);

    /// <summary>The tag a notice carries for the map <paramref name="mapName"/>: 32-bit FNV-1a of at most its first 15 bytes.</summary>
    /// <param name="mapName">The map's name as written in the BPF source (the kernel keeps its first 15 bytes).</param>
    /// <returns>The tag, as <c>BPFCHAN_TAG(map)</c> computes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mapName"/> is <see langword="null"/>.</exception>
    public static uint Tag(string mapName) => NotifiedChannels.Tag(mapName);

    /// <summary>Stops the reading thread and releases the ring's mapping and the epoll instance.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _loop.Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _loop.Dispose();
        _reader.Dispose();
    }

    /// <summary>Starts handing <paramref name="channel"/> the notices of its tag; it is reconciled when due from now on.</summary>
    void INotifierLink.Attach(INotifiedChannel channel)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_lock)
        {
            if (Array.IndexOf(_channels, channel) < 0)
            {
                _channels = [.. _channels, channel];
            }

            Reindex();
        }

        _loop.Wake();
    }

    /// <summary>Stops handing <paramref name="channel"/> notices (its tag may have changed: attach it again).</summary>
    void INotifierLink.Detach(INotifiedChannel channel)
    {
        lock (_lock)
        {
            int i = Array.IndexOf(_channels, channel);
            if (i >= 0)
            {
                _channels = [.. _channels.AsSpan(0, i), .. _channels.AsSpan(i + 1)];
            }

            Reindex();
        }
    }

    /// <summary>Wakes the reading thread (a channel's reconcile interval passed).</summary>
    void INotifierLink.Wake()
    {
        if (!_disposed)
        {
            _loop.Wake();
        }
    }

    /// <summary>Re-reads every attached channel's tag (after a channel got another map).</summary>
    void INotifierLink.Retag()
    {
        lock (_lock)
        {
            Reindex();
        }

        _loop.Wake();
    }

    private void Reindex()
    {
        var byTag = new Dictionary<uint, INotifiedChannel[]>();
        foreach (INotifiedChannel channel in _channels)
        {
            if (channel.NoticeTag is { } tag)
            {
                byTag[tag] = byTag.TryGetValue(tag, out INotifiedChannel[]? others) ? [.. others, channel] : [channel];
            }
        }

        Volatile.Write(ref _byTag, new TagRoutes(byTag));
    }

    private void Run()
    {
        long recheckAt = long.MaxValue;
        while (!_disposed)
        {
            // Reconciliations are asked for by the channels' timers (which wake the loop), so the only deadline here is
            // the lost counter's re-check.
            long now = Stopwatch.GetTimestamp();
            TimeSpan wait = recheckAt == long.MaxValue ? Timeout.InfiniteTimeSpan
                : recheckAt <= now ? TimeSpan.Zero
                : Stopwatch.GetElapsedTime(now, recheckAt);
            _drainedBytes = 0;
            try
            {
                _ = _loop.PollOnce(wait);
            }
            catch (ObjectDisposedException) when (_disposed)
            {
                return;
            }

            INotifiedChannel[] channels = Volatile.Read(ref _channels);
            foreach (INotifiedChannel channel in channels)
            {
                Guard(channel, static c => c.ApplyNotices());
            }

            // The lost counter costs a syscall, so it is read when a reservation can have failed, not at every
            // wake-up: at once after a drain that found the ring more than half full (a full ring is the only
            // way to lose a notice), and otherwise at most RecheckTicks after any notices, which also covers a
            // reservation that failed just after a drain emptied the ring (that wakes nobody).
            now = Stopwatch.GetTimestamp();
            bool readLost = _drainedBytes > _reader.Size / 2 || now >= recheckAt;
            if (readLost)
            {
                recheckAt = long.MaxValue;
            }

            recheckAt = RecheckAfterNotices(recheckAt, now);

            bool lostMore = false;
            if (readLost)
            {
                long lost = ReadLost();
                lostMore = lost != Interlocked.Exchange(ref _lost, lost);
            }

            bool drained = false;
            foreach (INotifiedChannel channel in channels)
            {
                if (!lostMore && !channel.ReconcileWanted)
                {
                    continue;
                }

                if (!drained)
                {
                    // Notices committed since the drain above go first, so the full read counts only what they miss.
                    drained = true;
                    DrainNow(channels);
                }

                Guard(channel, lostMore ? static c => c.OnNoticesLost() : static c => c.Reconcile());
            }

            // Notices drained just before a reconciliation count as any others: the lost counter is re-checked after them.
            if (drained)
            {
                recheckAt = RecheckAfterNotices(recheckAt, Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>When the lost counter is read next: <see cref="RecheckTicks"/> after notices were drained, unless a re-check is already due.</summary>
    private long RecheckAfterNotices(long recheckAt, long now) => _drainedBytes > 0 && recheckAt == long.MaxValue ? now + RecheckTicks : recheckAt;

    private void DrainNow(INotifiedChannel[] channels)
    {
        _ = _loop.PollOnce(TimeSpan.Zero);
        foreach (INotifiedChannel channel in channels)
        {
            Guard(channel, static c => c.ApplyNotices());
        }
    }

    /// <summary>A channel's failure is its own (it records it); the ring goes on for the others.</summary>
    private static void Guard(INotifiedChannel channel, Action<INotifiedChannel> action)
    {
        try
        {
            action(channel);
        }
        catch (Exception)
        {
            // Reported by the channel itself (a failed read leaves it stale, to be listed again); never ends the thread.
        }
    }

    private long ReadLost()
    {
        try
        {
            return _lostCounter.TryLookup(stackalloc byte[sizeof(uint)], _lostValue) ? (long)BinaryPrimitives.ReadUInt64LittleEndian(_lostValue) : 0;
        }
        catch (ObjectDisposedException)
        {
            return Interlocked.Read(ref _lost); // the object went away; its channels go with it
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        Interlocked.Increment(ref _notices);
        _drainedBytes += record.Length + HeaderSize;
        if (record.Length < HeaderSize || record.Length < HeaderSize + BinaryPrimitives.ReadUInt16LittleEndian(record[6..]))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        uint tag = BinaryPrimitives.ReadUInt32LittleEndian(record);
        if (Volatile.Read(ref _byTag).Find(tag) is not { } channels)
        {
            Interlocked.Increment(ref _unmatched);
            return;
        }

        ReadOnlySpan<byte> key = record.Slice(HeaderSize, BinaryPrimitives.ReadUInt16LittleEndian(record[6..]));
        foreach (INotifiedChannel channel in channels)
        {
            channel.OnNotice(record[4], key);
        }
    }

    /// <summary>
    /// The channels of each tag, published whole. One ring usually serves one watched map, so a single tag is compared
    /// directly: a notice then touches one object, not a dictionary's buckets and entries, which a thread that slept
    /// since the last notice finds out of its caches.
    /// </summary>
    private sealed class TagRoutes
    {
        public static readonly TagRoutes None = new([]);

        private readonly uint _tag;
        private readonly INotifiedChannel[]? _channels;
        private readonly Dictionary<uint, INotifiedChannel[]>? _byTag;

        public TagRoutes(Dictionary<uint, INotifiedChannel[]> byTag)
        {
            if (byTag.Count == 1)
            {
                (_tag, _channels) = byTag.First();
            }
            else if (byTag.Count > 1)
            {
                _byTag = byTag;
            }
        }

        public INotifiedChannel[]? Find(uint tag)
            => _byTag is null ? (tag == _tag ? _channels : null) : _byTag.GetValueOrDefault(tag);
    }
}
