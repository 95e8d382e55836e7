using System.Text;
using static BpfChannels.Interop.Interop.Libbpf;

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
public sealed unsafe class BpfObjectMap
{
    private readonly BpfObject _owner;
    private readonly nint _map;
    private BpfMap? _loaded;

    internal BpfObjectMap(BpfObject owner, nint map)
    {
        _owner = owner;
        _map = map;
        Name = BpfObject.Utf8(bpf_map__name(map)) ?? string.Empty;
        Type = (BpfMapType)bpf_map__type(map);
        KeySize = (int)bpf_map__key_size(map);
        ValueSize = (int)bpf_map__value_size(map);
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
        get => _loaded?.MaxEntries ?? (int)bpf_map__max_entries(_map);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ThrowIfLoaded();
            Check(bpf_map__set_max_entries(_map, (uint)value), "bpf_map__set_max_entries");
        }
    }

    /// <summary>
    /// The bpffs path the map is pinned at on load; if a compatible map is already pinned there, load reuses it
    /// (so state survives a restart). Maps declared with <c>LIBBPF_PIN_BY_NAME</c> get <c>&lt;PinRoot&gt;/&lt;name&gt;</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the object was loaded.</exception>
    public string? PinPath
    {
        get => BpfObject.Utf8(bpf_map__pin_path(_map));
        set
        {
            ThrowIfLoaded();
            byte[]? path = value is null ? null : Encoding.UTF8.GetBytes(value + "\0");
            fixed (byte* p = path)
            {
                Check(bpf_map__set_pin_path(_map, p), "bpf_map__set_pin_path");
            }
        }
    }

    /// <summary>Whether the loaded map is pinned (created and pinned, or reused from its pin).</summary>
    public bool IsPinned => bpf_map__is_pinned(_map);

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
    /// <exception cref="InvalidOperationException">The object is loaded.</exception>
    /// <exception cref="ArgumentException">The size is wrong.</exception>
    public void SetInitialValue(ReadOnlySpan<byte> value)
    {
        ThrowIfLoaded();
        if (value.Length != ValueSize)
        {
            throw new ArgumentException($"Map '{Name}' has {ValueSize}-byte values; the initial value is {value.Length} bytes.", nameof(value));
        }

        fixed (byte* p = value)
        {
            Check(bpf_map__set_initial_value(_map, p, (nuint)value.Length), "bpf_map__set_initial_value");
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
        }
    }

    internal void Close() => _loaded?.Dispose();

    private void ThrowIfLoaded()
    {
        _owner.ThrowIfDisposed();
        if (_owner.IsLoaded)
        {
            throw new InvalidOperationException($"Map '{Name}' of '{_owner.Name}' is already loaded; adjust it between Open and Load.");
        }
    }

    private void Check(int result, string call)
    {
        if (result < 0)
        {
            throw BpfErrors.Create(-result, call, Name);
        }
    }
}
