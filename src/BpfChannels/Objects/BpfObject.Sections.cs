namespace BpfChannels;

public sealed partial class BpfObject
{
    /// <summary>
    /// A global variable at a known place in one of the object's global-data sections (<c>.bss</c>, <c>.data</c>,
    /// <c>.rodata</c>, or a named <c>.data.*</c> / <c>.rodata.*</c> section), without a BTF lookup: what the generated
    /// bindings use, since they read the section layout from the object's BTF at build time.
    /// </summary>
    /// <typeparam name="T">The variable's type.</typeparam>
    /// <param name="section">The section's name, for example <c>.bss</c> or <c>.data.counters</c>.</param>
    /// <param name="name">The variable's C name (for messages and <see cref="BpfGlobalVariable{T}.Name"/>).</param>
    /// <param name="offset">The variable's byte offset in the section.</param>
    /// <returns>The variable: initial value before load, the live kernel value after.</returns>
    /// <exception cref="ArgumentException"><paramref name="section"/> or <paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The variable does not lie inside the section.</exception>
    /// <exception cref="KeyNotFoundException">The object has no such global-data section.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <remarks>Global data needs kernel 5.2+, live access after load 5.5+ (BPF_F_MMAPABLE); see <see cref="BpfGlobalVariable{T}"/>.</remarks>
    public unsafe BpfGlobalVariable<T> GetSectionVariable<T>(string section, string name, int offset)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        if (!section.StartsWith('.') || !TryGetMapDefinition(section, out BpfObjectMap? map) || !map.IsGlobalData)
        {
            throw new KeyNotFoundException($"The BPF object '{Name}' has no global-data section '{section}'.");
        }

        if (offset < 0 || offset + sizeof(T) > map.ValueSize)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"'{name}' ({sizeof(T)} bytes at offset {offset}) does not lie inside {section} of '{Name}' ({map.ValueSize} bytes).");
        }

        return new BpfGlobalVariable<T>(this, map, name, section, offset);
    }
}
