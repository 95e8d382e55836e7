using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfObject
{
    private static readonly string[] GlobalSections = [".bss", ".data", ".rodata"];

    /// <summary>
    /// A global variable of the object by its C name, found through the object's BTF in <c>.bss</c>, <c>.data</c>
    /// or <c>.rodata</c>. Before load it sets the initial value; after load it reads and writes the kernel's value.
    /// </summary>
    /// <typeparam name="T">The variable's type (its size must match the variable's).</typeparam>
    /// <param name="name">The variable's name.</param>
    /// <returns>The variable.</returns>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <exception cref="KeyNotFoundException">No global variable of that name (static and extern variables are not listed).</exception>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from the variable's.</exception>
    public BpfGlobalVariable<T> GetVariable<T>(string name)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        nint btf = _object == 0 ? 0 : bpf_object__btf(_object);
        if (btf != 0)
        {
            foreach (string section in GlobalSections)
            {
                if (FindVariable(btf, section, name, out int offset, out int size) && TryGetMapDefinition(section, out BpfObjectMap? map))
                {
                    if (size != sizeof(T))
                    {
                        throw new ArgumentException($"Global variable '{name}' in {section} of '{Name}' is {size} bytes; {typeof(T).Name} is {sizeof(T)}.", nameof(T));
                    }

                    return new BpfGlobalVariable<T>(this, map, name, section, offset);
                }
            }
        }

        throw new KeyNotFoundException($"The BPF object '{Name}' has no global variable '{name}' in .bss, .data or .rodata (is it static, or optimised away? Compile with -g so the object has BTF).");
    }

    private static bool FindVariable(nint btf, string section, string name, out int offset, out int size)
    {
        offset = size = 0;
        byte[] sectionName = Encoding.UTF8.GetBytes(section + "\0");
        int id;
        fixed (byte* p = sectionName)
        {
            id = btf__find_by_name_kind(btf, p, BTF_KIND_DATASEC);
        }

        if (id <= 0)
        {
            return false;
        }

        btf_type* datasec = btf__type_by_id(btf, (uint)id);
        int count = (int)(datasec->info & 0xffff);
        var variables = (btf_var_secinfo*)(datasec + 1);
        for (int i = 0; i < count; i++)
        {
            btf_type* variable = btf__type_by_id(btf, variables[i].type);
            if (variable is not null && Utf8(btf__name_by_offset(btf, variable->name_off)) == name)
            {
                offset = (int)variables[i].offset;
                size = (int)variables[i].size;
                return true;
            }
        }

        return false;
    }
}
