using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>Enumerating, opening and describing programs and links by id or pin: the part their info types share.</summary>
internal static class ObjectIds
{
    public static IReadOnlyList<uint> GetAll(bpf_cmd command, string name)
    {
        var ids = new List<uint>();
        uint id = 0;
        while (true)
        {
            int errno = GetNextId(command, id, out uint next);
            if (errno == Interop.Errno.ENOENT)
            {
                return ids;
            }

            Check(errno, null, name);
            ids.Add(id = next);
        }
    }

    public static BpfHandle Open(bpf_cmd command, string name, uint id)
    {
        int errno = GetFdById(command, id, out BpfHandle? handle);
        Check(errno, $"id {id}", name);
        return handle!;
    }

    /// <summary>Opens what is pinned at <paramref name="path"/>, checked by <paramref name="validate"/> (which throws for the wrong kind).</summary>
    public static BpfHandle OpenPinned(string path, Action<BpfHandle> validate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        int errno = ObjGet(path, out BpfHandle? handle);
        Check(errno, path, "BPF_OBJ_GET");
        try
        {
            validate(handle!);
            return handle!;
        }
        catch
        {
            handle!.Dispose();
            throw;
        }
    }

    /// <summary>The info of each id, skipping objects that went away between listing and opening.</summary>
    public static IReadOnlyList<T> ReadAll<T>(IReadOnlyList<uint> ids, bpf_cmd open, Func<BpfHandle, T> read)
    {
        var all = new List<T>(ids.Count);
        foreach (uint id in ids)
        {
            if (GetFdById(open, id, out BpfHandle? handle) is var errno && errno == Interop.Errno.ENOENT)
            {
                continue;
            }

            Check(errno, $"id {id}", open.ToString());
            using (handle)
            {
                all.Add(read(handle!));
            }
        }

        return all;
    }

    public static void Check(int errno, string? what, string command = "BPF_OBJ_GET_INFO_BY_FD")
    {
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, command, what);
        }
    }

    /// <summary>One field of /proc/self/fdinfo for the descriptor (prog_type, link_type...), or null.</summary>
    public static string? FdInfoField(BpfHandle handle, string field)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            string prefix = field + ":";
            foreach (string line in File.ReadLines($"/proc/self/fdinfo/{handle.FileDescriptor}"))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim();
                }
            }

            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
