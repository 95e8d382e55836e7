using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The one errno-to-exception table: names every errno and explains, per command family, what a user
/// can do about it.
/// </summary>
internal static class BpfErrors
{
    /// <summary>The C name of an errno.</summary>
    internal static string Name(int errno) => errno switch
    {
        0 => "OK",
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EIO => "EIO",
        E2BIG => "E2BIG",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        ENOTDIR => "ENOTDIR",
        EINVAL => "EINVAL",
        EMFILE => "EMFILE",
        ENOSPC => "ENOSPC",
        ERANGE => "ERANGE",
        ENAMETOOLONG => "ENAMETOOLONG",
        ENOSYS => "ENOSYS",
        ELOOP => "ELOOP",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOTSUPP => "ENOTSUPP",
        _ => "E" + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>What the errno means for <paramref name="command"/> and what to do about it.</summary>
    internal static string Explain(int errno, string command)
    {
        bool create = command == "BPF_MAP_CREATE";
        bool update = command is "BPF_MAP_UPDATE_ELEM" or "BPF_MAP_UPDATE_BATCH";
        bool pin = command is "BPF_OBJ_PIN" or "BPF_OBJ_GET";
        bool write = update || command is "BPF_MAP_DELETE_ELEM" or "BPF_MAP_DELETE_BATCH" or "BPF_MAP_LOOKUP_AND_DELETE_ELEM" or "BPF_MAP_LOOKUP_AND_DELETE_BATCH";
        return errno switch
        {
            EPERM when write => "operation not permitted: the map is frozen or this descriptor was opened read-only, so user space cannot write it",
            EPERM => "operation not permitted: BPF needs CAP_BPF (with CAP_PERFMON/CAP_NET_ADMIN for some types) or CAP_SYS_ADMIN, i.e. run as root or grant the capabilities",
            EINVAL when create => "invalid argument: an attribute is invalid for this map type (key or value size, max_entries, flags, name characters, inner map)",
            EINVAL when update => "invalid argument: the flags are not valid for this map type (BPF_F_LOCK needs a value with a bpf_spin_lock; arrays take no NoExist)",
            EINVAL => "invalid argument: the command or its flags are not valid for this map type",
            ENOMEM => "out of memory: lower max_entries or the value size, or raise the memlock limit (ulimit -l) or the memory cgroup limit",
            EEXIST when pin => "the pin path already exists: unpin it first or choose another path",
            EEXIST => "the key already exists (the update asked for NoExist)",
            ENOENT when pin => "no pinned object at that path (is bpffs mounted and the object pinned?)",
            ENOENT when update => "the key does not exist (the update asked for Exist)",
            ENOENT => "the key or object does not exist",
            E2BIG when update => "the map is full: max_entries is reached; delete entries or create the map larger",
            E2BIG when create => "an attribute is too big for this kernel (value size, max_entries, or an attr field the kernel does not know)",
            E2BIG => "too big: the map is full or an argument exceeds a kernel limit",
            ENOSPC => "no space: the batch buffer is too small for a bucket, or the queue/stack is full",
            EBUSY => "busy: the map is frozen or in use by a program that forbids this",
            EACCES => "access denied: the descriptor was opened read-only or write-only, or the map is frozen or read-only for user space",
            EBADF => "bad descriptor: the map or program was closed, or the descriptor is not of the expected kind",
            ENOTSUPP or EOPNOTSUPP => "not supported by this map type or kernel version",
            ENOSYS => "the bpf() syscall is not available on this kernel",
            EFAULT => "bad address: a buffer passed to the kernel was invalid",
            EMFILE => "too many open files: raise the descriptor limit (ulimit -n)",
            EAGAIN => "temporarily unavailable: try again",
            ENOTDIR => "a component of the path is not a directory",
            ENAMETOOLONG => "the path is too long",
            _ => "the kernel reported an error",
        };
    }

    /// <summary>Builds the exception for a failed command.</summary>
    internal static BpfException Create(int errno, string command, string? objectName)
    {
        string target = string.IsNullOrEmpty(objectName) ? string.Empty : $" on '{objectName}'";
        string message = $"{command}{target} failed with {Name(errno)} ({errno}): {Explain(errno, command)}.";
        return new BpfException(message, command, objectName, errno);
    }
}
