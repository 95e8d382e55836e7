using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>The parts of a map channel that follow its map's life: a new map (re-list) and changed options.</summary>
public sealed partial class MapChannel<TKey, TValue>
{
    /// <inheritdoc/>
    public override void Bind(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ObjectDisposedException.ThrowIf(map.IsDisposed, map);
        int valueSize = Unsafe.SizeOf<TValue>();
        bool fits = map.KeySize == _current.KeySize && (_projection is null
            ? !map.IsPerCpu && map.ValueSize == valueSize
            : map.IsPerCpu && map.ValueSize == valueSize);
        if (!fits)
        {
            throw new ArgumentException(
                $"Map '{map.Name}' ({map.KeySize}-byte keys, {map.ValueSize}-byte values{(map.IsPerCpu ? ", per-CPU" : string.Empty)}) does not fit channel '{Name}' ({_current.KeySize}-byte keys, {valueSize}-byte values{(_projection is null ? string.Empty : ", per-CPU")}).",
                nameof(map));
        }

        uint id = map.Id;
        lock (_pollLock)
        {
            if (Volatile.Read(ref _completed))
            {
                throw new InvalidOperationException($"The channel of map '{Name}' is completed.");
            }

            BpfMap? previous = HasMap ? Map : null;
            if (ReferenceEquals(previous, map))
            {
                return;
            }

            if (previous is not null)
            {
                // Only a replacement is a re-list; a first map is the channel's first listing.
                _previousMapId = _mapId != 0 ? _mapId : TryGetId(previous);
                _relistPending = true;
            }

            _mapId = id;
            SetMap(map);
            _writes.Bind(map);
            OnNotifiedMapBound(map);
        }
    }

    /// <inheritdoc/>
    public override bool Reconfigure(MapChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MapChannelOptions copy = Clone(options);
        copy.Validate();
        Volatile.Write(ref _options, copy);
        ConfigureNotifications(copy);
        return copy.WriteCapacity != _writeCapacity || copy.MaxWriteBatch != _maxWriteBatch;
    }

    private static uint TryGetId(BpfMap map)
    {
        try
        {
            return map.Id;
        }
        catch (ObjectDisposedException)
        {
            return 0; // gone before its id was asked for
        }
    }

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
