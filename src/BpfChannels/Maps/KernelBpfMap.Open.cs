using System.Text;

namespace BpfChannels;

internal sealed unsafe partial class KernelBpfMap
{
    /// <summary>BPF_MAP_CREATE from a spec (validated here, before the syscall).</summary>
    internal static BpfMap CreateMap(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Validate();
        if (spec.InnerMap is { IsInMemory: true })
        {
            throw new ArgumentException("A kernel map of maps needs a kernel inner map template, not an in-memory one.", nameof(spec));
        }

        int errno = Interop.Bpf.MapCreate(
            (uint)spec.Type,
            (uint)spec.KeySize,
            (uint)spec.ValueSize,
            (uint)spec.MaxEntries,
            (uint)spec.Flags | (spec.NumaNode.HasValue ? (uint)BpfMapFlags.NumaNode : 0),
            spec.Name is { Length: > 0 } name ? Encoding.ASCII.GetBytes(name) : default,
            spec.InnerMap?.Handle,
            (uint)(spec.NumaNode ?? 0),
            (uint)spec.InterfaceIndex,
            spec.Btf,
            spec.BtfKeyTypeId,
            spec.BtfValueTypeId,
            spec.BtfVmlinuxValueTypeId,
            spec.MapExtra,
            out BpfHandle? handle);
        return errno == 0
            ? new KernelBpfMap(handle!, spec)
            : throw BpfErrors.Create(errno, BpfCommand.MapCreate, spec.Name ?? spec.Type.ToString());
    }

    /// <summary>Takes ownership of a map descriptor, reading its spec from the kernel.</summary>
    internal static BpfMap Wrap(BpfHandle handle)
    {
        BpfMapInfo info = BpfMapInfo.FromHandle(handle);
        return new KernelBpfMap(handle, info.ToSpec());
    }

    /// <summary>BPF_MAP_GET_FD_BY_ID.</summary>
    internal static BpfMap OpenId(uint id, BpfPinAccess access)
    {
        CheckAccess(access);
        int errno = Interop.Bpf.MapGetFdById(id, (uint)access, out BpfHandle? handle);
        return errno == 0 ? Adopt(handle!) : throw BpfErrors.Create(errno, BpfCommand.MapGetFdById, $"id {id}");
    }

    /// <summary>BPF_OBJ_GET of a pinned map.</summary>
    internal static BpfMap OpenPin(string path, BpfPinAccess access)
    {
        CheckAccess(access);
        string full = CheckPinPath(path, mustExist: true);
        int errno = Interop.Bpf.ObjGet(full, (uint)access, out BpfHandle? handle);
        return errno == 0
            ? Adopt(handle!)
            : throw BpfErrors.Create(errno, BpfCommand.ObjGet, full, new BpfErrorContext { PinPath = full, PinAccess = access });
    }

    /// <summary>BPF_OBJ_PIN of a map descriptor; an existing path (even a dangling symbolic link) is never replaced. A path that cannot be examined is left to the kernel, which reports why.</summary>
    /// <param name="handle">The descriptor.</param>
    /// <param name="path">The pin path, checked here to lie on bpffs.</param>
    /// <param name="mode">The pin's file mode, or null to keep the kernel's.</param>
    /// <param name="what">The object's name for messages.</param>
    internal static void PinHandle(BpfHandle handle, string path, UnixFileMode? mode, string what)
    {
        string full = CheckPinPath(path, mustExist: false);
        if (Interop.Libc.Stat(full, out _, out _, out _) == 0)
        {
            throw BpfErrors.Create(Interop.Errno.EEXIST, BpfCommand.ObjPin, $"{what} at {full}");
        }

        int errno = Interop.Bpf.ObjPin(handle, full);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.ObjPin, $"{what} at {full}", new BpfErrorContext { PinPath = full });
        }

        if (mode is { } wanted && File.GetUnixFileMode(full) != wanted)
        {
            File.SetUnixFileMode(full, wanted);
        }
    }

    /// <summary>Removes the pinned object at <paramref name="full"/> (on bpffs); refuses anything else there.</summary>
    internal static bool RemovePin(string full)
    {
        int errno = Interop.Libc.Stat(full, out uint mode, out _, out _);
        if (errno == Interop.Errno.ENOENT)
        {
            return false;
        }

        if (errno != 0)
        {
            throw new IOException($"'{full}' cannot be examined ({BpfErrors.Name(errno)}: {Interop.Errno.Meaning(errno)}), so it is not unpinned.", errno);
        }

        // On bpffs, a pinned map, program or link is the only kind of regular file (bpffs cannot create others).
        uint type = mode & Interop.Libc.S_IFMT;
        if (type != Interop.Libc.S_IFREG)
        {
            string kind = type switch
            {
                Interop.Libc.S_IFDIR => "a directory",
                Interop.Libc.S_IFLNK => "a symbolic link",
                _ => "not a regular file",
            };
            throw new ArgumentException($"'{full}' is {kind}, not a pinned BPF object; Unpin removes only pins and left it in place.", "path");
        }

        File.Delete(full);
        return true;
    }

    private static BpfMap Adopt(BpfHandle handle)
    {
        try
        {
            return Wrap(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
