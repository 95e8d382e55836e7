using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

public abstract partial class BpfMap
{
    /// <summary>
    /// One get_next_key walk over a map, storing keys (and values) into a snapshot. See <see cref="Keys"/> for the
    /// guarantee. A hash walk restarts from the map's first key when its cursor is deleted, so a restart shows up as a
    /// key seen before.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A walk that hands each key out as it goes (<see cref="Keys"/>) indexes every key it yields and probes that index
    /// for each new key. A whole-map read (<see cref="ReadSnapshot"/>) can take a duplicate back before anyone sees it,
    /// so it keeps the per-key work to a search of the hashes of the first <see cref="SentinelCount"/> keys it read (128
    /// bytes, in the cache): a restart walks the map from its start again, through those first keys. At the first
    /// key it meets again it indexes everything it has read (dropping what it read twice since the restart), resumes
    /// after the newest key read that still exists, and from then on probes the full index like <see cref="Keys"/>.
    /// A read that never meets one of its first keys again indexes its keys once at the end, dropping any read twice
    /// (a restart after all of the first keys were deleted), so it never holds a key twice either way.
    /// </para>
    /// <para>
    /// Per key, a whole-map read (<see cref="ReadAll"/>) makes its two syscalls on the raw descriptor, which it leases
    /// once for the whole walk. A walk that hands each key out (<see cref="NextKey"/>) goes through the backend, whose
    /// every call leases the descriptor for itself: the enumeration may be abandoned between keys, so it must hold
    /// nothing between them, and per step that one get_next_key call is all there is to lease for.
    /// </para>
    /// </remarks>
    internal struct KeyWalk
    {
        /// <summary>How many of the first keys a whole-map read watches for a restart.</summary>
        internal const int SentinelCount = 32;

        private const int BackUpDepth = 16;
        private readonly BpfMap _map;
        private readonly BpfMapSnapshot _snapshot;
        private readonly bool _withValues;
        private readonly bool _restartProne;
        private readonly byte[] _cursor;
        private readonly byte[] _scratch;
        private readonly long _stepLimit;
        private readonly uint[]? _sentinels; // the hashes of entries 0 .. SentinelCount - 1, which stay where they are until IndexAll
        private long _steps;
        private bool _hasCursor;
        private bool _backedUp;
        private bool _indexed; // the snapshot's index holds every entry kept so far

        /// <param name="map">The map to walk.</param>
        /// <param name="snapshot">Where the keys (and values) go.</param>
        /// <param name="withValues">Whether to look up each key's value.</param>
        /// <param name="yieldsAsItGoes">Whether each key is handed out before the walk ends, so a duplicate must be caught before it is stored.</param>
        internal KeyWalk(BpfMap map, BpfMapSnapshot snapshot, bool withValues, bool yieldsAsItGoes)
        {
            _map = map;
            _snapshot = snapshot;
            _withValues = withValues;
            _restartProne = !IsArrayLike(map.Type);
            _cursor = snapshot.CursorKey;
            _scratch = snapshot.ScratchValue(map.ValueBufferSize);
            _stepLimit = (4L * Math.Max(map.MaxEntries, 1)) + 1024;
            if (_restartProne && yieldsAsItGoes)
            {
                _snapshot.WalkIndex.Clear(Math.Max(snapshot.Capacity, 16));
                _indexed = true;
            }
            else if (_restartProne)
            {
                _sentinels = snapshot.WalkSentinels;
            }

            Count = 0;
        }

        internal int Count { get; private set; }

        /// <summary>
        /// Walks the whole map under one lease on its descriptor, held until the walk ends: a concurrent dispose cannot
        /// close the descriptor (or let its number be reused) mid-walk, and is seen at the next key as an
        /// <see cref="ObjectDisposedException"/>. The snapshot's index holds every key afterwards (restart-prone maps).
        /// </summary>
        /// <returns>The number of distinct keys read.</returns>
        internal int ReadAll()
        {
            _map.ThrowIfDisposed();
            // A kernel map's descriptor, leased once for the whole walk, so the per-key calls are raw ones (no reference
            // count, no virtual call per key); the twin has none and goes through GetNextKeyCore and LookupCore.
            SafeHandle? handle = _map.IsInMemory ? null : _map.Handle;
            using (HandleLease lease = Lease(handle))
            {
                int fd = handle is null ? -1 : lease.FileDescriptor;
                while (Next(fd) >= 0)
                {
                }
            }

            if (_restartProne && !_indexed)
            {
                IndexAll();
            }

            return Count;
        }

        /// <summary>
        /// Walks to the next key through the backend, which leases a kernel map's descriptor for each call (see the
        /// remarks); returns its entry in the snapshot, or -1 at the end. A dispose is seen as an
        /// <see cref="ObjectDisposedException"/>, before the call or, when it races the call, by the call's own lease.
        /// </summary>
        internal int NextKey() => Next(-1);

        // A dispose that lands between the walk's own check and a lease (the walk's, or the one each backend call takes)
        // makes the lease throw the handle's bare ObjectDisposedException (the twin throws its own); the walk throws the
        // map's instead, which names the map, as it does for a dispose it sees at its check.
        private readonly HandleLease Lease(SafeHandle? handle)
        {
            try
            {
                return new HandleLease(handle);
            }
            catch (ObjectDisposedException) when (_map.DisposeCalled)
            {
                throw _map.Disposed();
            }
        }

        private readonly int BackendNextKey(ReadOnlySpan<byte> cursor, Span<byte> next)
        {
            try
            {
                return _map.GetNextKeyCore(cursor, next);
            }
            catch (ObjectDisposedException) when (_map.DisposeCalled)
            {
                throw _map.Disposed();
            }
        }

        /// <summary>
        /// Walks to the next key; returns its entry in the snapshot, or -1 at the end. <paramref name="fd"/> is the map's
        /// descriptor, leased by the caller, for raw calls; -1 goes through the backend (the twin, or a kernel map's
        /// own leased calls).
        /// </summary>
        private int Next(int fd)
        {
            while (_steps++ < _stepLimit)
            {
                // A dispose during the walk is seen here; the lease defers the descriptor's close until the walk ends.
                if (_map.DisposeCalled)
                {
                    throw _map.Disposed();
                }

                _snapshot.EnsureCapacity(Count + 1);
                Span<byte> slot = _snapshot.KeySlot(Count);
                ReadOnlySpan<byte> cursor = _hasCursor ? _cursor : default;
                int err = fd >= 0 && OperatingSystem.IsLinux() ? Interop.Bpf.MapGetNextKeyLeased(fd, cursor, slot) : BackendNextKey(cursor, slot);
                if (err == ENOENT)
                {
                    return -1;
                }

                if (err != 0)
                {
                    throw _map.Error(err, BpfCommand.MapGetNextKey);
                }

                // A probe of the full index misses the cache on a large map; the slot it needs is fetched while the
                // lookup is in the kernel. So the lookup comes first, also for a key the walk turns out to have seen
                // (only after a restart, so rarely).
                uint hash = 0;
                if (_restartProne)
                {
                    hash = ByteKeySet.Hash(slot);
                    if (_indexed)
                    {
                        _snapshot.WalkIndex.Prefetch(hash);
                    }
                }

                bool deleted = false;
                if (_withValues)
                {
                    Span<byte> value = _snapshot.ValueSlot(Count);
                    err = fd >= 0 && OperatingSystem.IsLinux() ? Interop.Bpf.MapLookupElemLeased(fd, slot, value, 0) : _map.LookupCore(slot, value, 0);
                    if (err != 0 && err != ENOENT)
                    {
                        throw _map.Error(err, BpfCommand.MapLookupElem);
                    }

                    deleted = err == ENOENT;
                }

                if (_restartProne && Seen(slot, hash))
                {
                    // A key already yielded: the kernel restarted the walk (the cursor was deleted). Resume
                    // after the newest yielded key that still exists; if that, too, leads back into seen keys,
                    // step forward through them instead of backing up again.
                    if (!_backedUp && BackUp())
                    {
                        _backedUp = true;
                        continue;
                    }

                    slot.CopyTo(_cursor);
                    _hasCursor = true;
                    continue;
                }

                if (deleted)
                {
                    // Deleted between get_next_key and lookup: not yielded, but still the cursor, so the
                    // next step either continues past it or is seen as a restart.
                    slot.CopyTo(_cursor);
                    _hasCursor = true;
                    continue;
                }

                if (_indexed)
                {
                    _snapshot.WalkIndex.Add(hash, Count);
                }
                else if (_sentinels is not null && Count < SentinelCount)
                {
                    _sentinels[Count] = hash;
                }

                slot.CopyTo(_cursor);
                _hasCursor = true;
                _backedUp = false;
                return Count++;
            }

            return -1;
        }

        /// <summary>Whether the key just read (in the slot after the last entry) was read before; the first time a sentinel is met again, indexes every entry.</summary>
        private bool Seen(ReadOnlySpan<byte> key, uint hash)
        {
            if (_indexed)
            {
                return _snapshot.WalkIndex.IndexOf(key, _snapshot.KeyBuffer, hash) >= 0;
            }

            // A vectorised search of 32 hashes, so the per-key cost stays a few nanoseconds; a match is checked byte by byte.
            ReadOnlySpan<uint> hashes = _sentinels.AsSpan(0, Math.Min(Count, SentinelCount));
            int size = key.Length;
            int from = 0;
            while (from < hashes.Length)
            {
                int at = hashes[from..].IndexOf(hash);
                if (at < 0)
                {
                    break;
                }

                at += from;
                if (_snapshot.KeyBuffer.AsSpan(at * size, size).SequenceEqual(key))
                {
                    IndexAll();
                    return true;
                }

                from = at + 1;
            }

            return false;
        }

        /// <summary>Indexes every entry read so far, dropping the later of two entries with the same key.</summary>
        private void IndexAll()
        {
            int valueSize = _withValues ? _snapshot.ValueSize : 0;
            Count = _snapshot.WalkIndex.BuildUnique(_snapshot.KeyRange(0, _snapshot.Capacity), _map.KeySize, _snapshot.ValueRange(0, _withValues ? _snapshot.Capacity : 0), valueSize, Count);
            _indexed = true;
        }

        private readonly bool BackUp()
        {
            int size = _map.KeySize;
            for (int j = Count - 1; j >= Math.Max(0, Count - BackUpDepth); j--)
            {
                ReadOnlySpan<byte> key = _snapshot.KeyBuffer.AsSpan(j * size, size);
                if (_map.LookupCore(key, _scratch, 0) == 0)
                {
                    key.CopyTo(_cursor);
                    return true;
                }
            }

            return false;
        }
    }
}
