using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>
/// A map defined in a <see cref="BpfObject"/>: its definition, adjustable until the object is loaded, and then
/// the kernel map as a <see cref="BpfMap"/>.
/// </summary>
/// <remarks>
/// The <see cref="Map"/> is owned by the object and shares its lifetime: it holds its own duplicate of the map's
/// descriptor, so it stays valid until <see cref="BpfObject.Dispose"/>. Setters are not thread-safe and only
/// valid before <see cref="BpfObject.Load"/>.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class BpfObjectMap
{
    private readonly BpfObject _owner;
    private readonly nint _map;
    private BpfMap? _loaded;
    private BpfMapSpec? _legacySpec;
    private string? _legacyPinPath;
    private bool _legacyPinned;

    internal BpfObjectMap(BpfObject owner, nint map)
    {
        _owner = owner;
        _map = map;
        Name = BpfObject.Utf8(bpf_map__name(map)) ?? string.Empty;
        Type = (BpfMapType)bpf_map__type(map);
        KeySize = (int)bpf_map__key_size(map);
        ValueSize = (int)bpf_map__value_size(map);
    }

    internal BpfObjectMap(BpfObject owner, string name, BpfMapSpec spec)
    {
        _owner = owner;
        _legacySpec = spec;
        Name = name;
        Type = spec.Type;
        KeySize = spec.KeySize;
        ValueSize = spec.ValueSize;
    }

    /// <summary>The map's name as in the C source (global data maps are named <c>&lt;object&gt;.bss</c> and so on, truncated to 15 bytes).</summary>
    public string Name { get; }

    /// <summary>The map's type.</summary>
    public BpfMapType Type { get; }

    /// <summary>The key size in bytes.</summary>
    public int KeySize { get; }

    /// <summary>The value size in bytes.</summary>
    public int ValueSize { get; }

    /// <summary>Whether this is a global-variable map (<c>.bss</c>, <c>.data</c>, <c>.rodata</c>, <c>.kconfig</c>).</summary>
    public bool IsGlobalData => Name.Contains('.', StringComparison.Ordinal);

    /// <summary>The maximum number of entries; settable before load (bpf_map__set_max_entries).</summary>
    /// <exception cref="InvalidOperationException">Set after the object was loaded.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to zero or less.</exception>
    public int MaxEntries
    {
        get => _loaded?.MaxEntries ?? _legacySpec?.MaxEntries ?? (int)bpf_map__max_entries(_map);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ThrowIfLoaded();
            if (_legacySpec is not null)
            {
                _legacySpec = _legacySpec with { MaxEntries = value };
                return;
            }

            Check(bpf_map__set_max_entries(_map, (uint)value), BpfCommand.MapSetMaxEntries);
        }
    }

    /// <summary>
    /// The bpffs path the map is pinned at on load; if a compatible map is already pinned there, load reuses it
    /// (so state survives a restart). Maps declared with <c>LIBBPF_PIN_BY_NAME</c> get <c>&lt;PinRoot&gt;/&lt;name&gt;</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the object was loaded.</exception>
    public string? PinPath
    {
        get => _legacySpec is not null ? _legacyPinPath : BpfObject.Utf8(bpf_map__pin_path(_map));
        set
        {
            ThrowIfLoaded();
            if (_legacySpec is not null)
            {
                _legacyPinPath = value;
                return;
            }

            byte[]? path = value is null ? null : Encoding.UTF8.GetBytes(value + "\0");
            fixed (byte* p = path)
            {
                Check(bpf_map__set_pin_path(_map, p), BpfCommand.MapSetPinPath);
            }
        }
    }

    /// <summary>Whether the loaded map is pinned (created and pinned, or reused from its pin).</summary>
    public bool IsPinned => _legacySpec is not null ? _legacyPinned : bpf_map__is_pinned(_map);

    /// <summary>The loaded map.</summary>
    /// <exception cref="InvalidOperationException">The object is not loaded.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public BpfMap Map
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _loaded ?? throw new InvalidOperationException($"Map '{Name}' of '{_owner.Name}' exists only after BpfObject.Load().");
        }
    }

    internal nint NativeMap => _map;

    /// <summary>The loaded map with typed keys and values.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <returns>A typed view of <see cref="Map"/>.</returns>
    /// <exception cref="InvalidOperationException">The object is not loaded.</exception>
    /// <exception cref="ArgumentException">The types' sizes do not match the map.</exception>
    public BpfMap<TKey, TValue> As<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged => new(Map);

    /// <summary>Sets the initial contents of a global-data map (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>) before load.</summary>
    /// <param name="value">Exactly <see cref="ValueSize"/> bytes.</param>
    /// <exception cref="InvalidOperationException">The object is loaded, or is a legacy object (whose maps have no initial data).</exception>
    /// <exception cref="ArgumentException">The size is wrong.</exception>
    public void SetInitialValue(ReadOnlySpan<byte> value)
    {
        ThrowIfLoaded();
        if (_legacySpec is not null)
        {
            throw new InvalidOperationException($"Map '{Name}' is a legacy SEC(\"maps\") definition, which has no initial data; write it after load.");
        }

        if (value.Length != ValueSize)
        {
            throw new ArgumentException($"Map '{Name}' has {ValueSize}-byte values; the initial value is {value.Length} bytes.", nameof(value));
        }

        fixed (byte* p = value)
        {
            Check(bpf_map__set_initial_value(_map, p, (nuint)value.Length), BpfCommand.MapSetInitialValue);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} map '{Name}' of '{_owner.Name}'";

    internal void OnLoaded()
    {
        int fd = bpf_map__fd(_map);
        if (fd >= 0)
        {
            BpfHandle handle = BpfHandle.Duplicate(fd);
            try
            {
                _loaded = BpfMap.FromHandle(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            MapGlobalData(fd);
        }
    }

    internal void Close() => _loaded?.Dispose();

    /// <summary>Creates a legacy map (or reuses the map pinned at <see cref="PinPath"/>), for the legacy loader.</summary>
    internal BpfMap CreateLegacy()
    {
        BpfMapSpec spec = _legacySpec!;
        if (_legacyPinPath is { } path && File.Exists(path))
        {
            BpfMap pinned = BpfMap.OpenPinned(path);
            if (pinned.Type != spec.Type || pinned.KeySize != spec.KeySize || pinned.ValueSize != spec.ValueSize || pinned.MaxEntries != spec.MaxEntries)
            {
                pinned.Dispose();
                throw new BpfException($"The map pinned at '{path}' does not match the definition of '{Name}' ({spec.Type}, {spec.KeySize}/{spec.ValueSize} bytes, {spec.MaxEntries} entries); unpin it or choose another path.", BpfCommand.ObjGet.Name(), Name, Interop.Errno.EINVAL);
            }

            _legacyPinned = true;
            return _loaded = pinned;
        }

        _loaded = BpfMap.Create(spec);
        if (_legacyPinPath is not null)
        {
            _loaded.Pin(_legacyPinPath);
            _legacyPinned = true;
        }

        return _loaded;
    }

    /// <summary>
    /// Maps the kernel's global-data map over libbpf's initial-value buffer, as libbpf's skeleton loader does
    /// (libbpf before 1.5 does it only for skeletons), so that <see cref="BpfGlobalVariable{T}"/> reads and writes
    /// the live values. bpf_object__close unmaps the region with the same size.
    /// </summary>
    private void MapGlobalData(int fd)
    {
        const uint BPF_F_MMAPABLE = 1u << 10;
        const uint BPF_F_RDONLY_PROG = 1u << 7;
        uint flags = bpf_map__map_flags(_map);
        nuint size;
        void* buffer = bpf_map__initial_value(_map, &size);
        if (!IsGlobalData || (flags & BPF_F_MMAPABLE) == 0 || buffer is null)
        {
            return;
        }

        long page = Interop.Libc.GetPageSize();
        long length = ((((long)ValueSize + 7) & ~7L) * bpf_map__max_entries(_map) + page - 1) / page * page;
        int prot = (flags & BPF_F_RDONLY_PROG) != 0 ? Interop.Libc.PROT_READ : Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE;
        void* mapped = Interop.Libc.Mmap(buffer, (nuint)length, prot, Interop.Libc.MAP_SHARED | Interop.Libc.MAP_FIXED, fd, 0);
        if ((nint)mapped == Interop.Libc.MAP_FAILED)
        {
            throw BpfErrors.Create(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), BpfCommand.Mmap, Name);
        }
    }

    private void ThrowIfLoaded()
    {
        _owner.ThrowIfDisposed();
        if (_owner.IsLoaded)
        {
            throw new InvalidOperationException($"Map '{Name}' of '{_owner.Name}' is already loaded; adjust it between Open and Load.");
        }
    }

    private void Check(int result, BpfCommand call)
    {
        if (result < 0)
        {
            throw BpfErrors.Create(-result, call, Name);
        }
    }
}
