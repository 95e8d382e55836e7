namespace BpfChannels;

/// <summary>Enumerating and opening maps, programs and links by id or pin: the part their info types share.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class ObjectIds
{
    internal delegate int NextId(uint startId, out uint nextId);

    internal delegate int OpenId(uint id, out BpfHandle? handle);

    public static IReadOnlyList<uint> GetAll(NextId next, BpfCommand command)
    {
        var ids = new List<uint>();
        uint id = 0;
        while (true)
        {
            int errno = next(id, out uint following);
            if (errno == Interop.Errno.ENOENT)
            {
                return ids;
            }

            Check(errno, command, null);
            ids.Add(id = following);
        }
    }

    public static BpfHandle Open(OpenId open, BpfCommand command, uint id)
    {
        Check(open(id, out BpfHandle? handle), command, $"id {id}");
        return handle!;
    }

    /// <summary>Opens what is pinned at <paramref name="path"/>, checked by <paramref name="validate"/> (which throws for the wrong kind).</summary>
    public static BpfHandle OpenPinned(string path, Action<BpfHandle> validate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Check(Interop.Bpf.ObjGet(path, 0, out BpfHandle? handle), BpfCommand.ObjGet, path);
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
    public static IReadOnlyList<T> ReadAll<T>(IReadOnlyList<uint> ids, OpenId open, BpfCommand command, Func<BpfHandle, T> read)
    {
        var all = new List<T>(ids.Count);
        foreach (uint id in ids)
        {
            int errno = open(id, out BpfHandle? handle);
            if (errno == Interop.Errno.ENOENT)
            {
                continue;
            }

            Check(errno, command, $"id {id}");
            using (handle)
            {
                all.Add(read(handle!));
            }
        }

        return all;
    }

    public static void Check(int errno, BpfCommand command, string? what)
    {
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, command, what);
        }
    }
}
