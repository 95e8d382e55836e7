using System.Runtime.CompilerServices;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>
/// A global variable of a BPF object (in <c>.bss</c>, <c>.data</c> or <c>.rodata</c>), read and written directly in
/// memory: before load it sets the initial value, after load it is the kernel's live value, shared with the program.
/// </summary>
/// <typeparam name="T">The variable's type; its size must be the variable's size in the object's BTF.</typeparam>
/// <remarks>
/// After load the memory is the kernel map mapped into this process (BPF_F_MMAPABLE global data, kernel 5.5+), so
/// reads and writes cost no syscall. <c>.rodata</c> (C <c>const volatile</c>) is frozen at load: it can be set
/// before load only. Reads and writes of up to 8 aligned bytes are single loads and stores; larger values can tear
/// against a program writing concurrently. Not safe against a concurrent <see cref="BpfObject.Dispose"/>.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class BpfGlobalVariable<T>
    where T : unmanaged
{
    private readonly BpfObject _owner;
    private readonly BpfObjectMap _map;

    internal BpfGlobalVariable(BpfObject owner, BpfObjectMap map, string name, string section, int offset)
    {
        _owner = owner;
        _map = map;
        Name = name;
        Section = section;
        Offset = offset;
    }

    /// <summary>The variable's name in the C source.</summary>
    public string Name { get; }

    /// <summary>The section holding it: <c>.bss</c>, <c>.data</c> or <c>.rodata</c>.</summary>
    public string Section { get; }

    /// <summary>The variable's byte offset within its section.</summary>
    public int Offset { get; }

    /// <summary>Whether the variable can be written now (false for <c>.rodata</c> after load).</summary>
    public bool IsWritable => !(_owner.IsLoaded && Section.StartsWith(".rodata", StringComparison.Ordinal));

    /// <summary>The variable's value: its initial value before load, the live kernel value after.</summary>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <exception cref="InvalidOperationException">Written while <see cref="IsWritable"/> is false (<c>.rodata</c> after load).</exception>
    public T Value
    {
        get => Unsafe.ReadUnaligned<T>(Address());
        set
        {
            if (!IsWritable)
            {
                throw new InvalidOperationException($"'{Name}' is in {Section}, which the kernel froze at load; set it between Open and Load.");
            }

            Unsafe.WriteUnaligned(Address(), value);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{typeof(T).Name} {Name} ({Section}+{Offset})";

    private byte* Address()
    {
        _owner.ThrowIfDisposed();
        nuint size;
        byte* data = (byte*)bpf_map__initial_value(_map.NativeMap, &size);
        if (data is null || (nuint)(Offset + sizeof(T)) > size)
        {
            throw new InvalidOperationException($"The memory of {Section} of '{_owner.Name}' is not mapped (the kernel needs BPF_F_MMAPABLE global data, 5.5+).");
        }

        return data + Offset;
    }
}
