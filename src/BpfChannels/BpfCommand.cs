namespace BpfChannels;

/// <summary>
/// Every kernel or library call whose failure this library reports. The bpf(2) commands have the numbers of
/// <c>enum bpf_cmd</c> (linux/bpf.h, checked by a test), so <see cref="Interop.Bpf"/> passes them to the syscall
/// as they are; the other calls are numbered from 1000. <see cref="BpfCommandExtensions.Name"/> is the one table
/// of the names that messages and <see cref="BpfException.Command"/> show.
/// </summary>
internal enum BpfCommand
{
    MapCreate = 0,
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,
    MapGetNextKey = 4,
    ProgLoad = 5,
    ObjPin = 6,
    ObjGet = 7,
    ProgTestRun = 10,
    ProgGetNextId = 11,
    MapGetNextId = 12,
    ProgGetFdById = 13,
    MapGetFdById = 14,
    ObjGetInfoByFd = 15,
    RawTracepointOpen = 17,
    BtfLoad = 18,
    BtfGetFdById = 19,
    MapLookupAndDeleteElem = 21,
    MapFreeze = 22,
    MapLookupBatch = 24,
    MapLookupAndDeleteBatch = 25,
    MapUpdateBatch = 26,
    MapDeleteBatch = 27,
    LinkCreate = 28,
    LinkGetFdById = 30,
    LinkGetNextId = 31,
    IterCreate = 33,

    Dup = 1000,
    Mmap,
    Open,
    Socket,
    SetSockOptAttachBpf,
    EpollCreate,
    EpollCtl,
    EpollWait,
    EventFd,
    PerfEventOpen,
    PerfEventIocEnable,
    ElfRead,
    ObjectOpen,
    ObjectLoad,
    ProgramSetAutoload,
    MapSetMaxEntries,
    MapSetPinPath,
    MapSetInitialValue,
    ProgramAttach,
    ProgramAttachTrace,
    ProgramAttachTracepoint,
    ProgramAttachXdp,
    ProgramAttachCgroup,
    ProgramAttachUprobe,
    TcHookCreate,
    TcAttach,
    PerfEventIocSetBpf,
    ProgramAttachUsdt,
    ProgramAttachKprobeMulti,
    FeatureProbe,
    Futex,
}

/// <summary>Names of <see cref="BpfCommand"/> values and the families the error advice is chosen by.</summary>
internal static class BpfCommandExtensions
{
    /// <summary>The name the kernel or library gives the call: BPF_MAP_UPDATE_ELEM, mmap, bpf_object__load...</summary>
    internal static string Name(this BpfCommand command) => command switch
    {
        BpfCommand.MapCreate => "BPF_MAP_CREATE",
        BpfCommand.MapLookupElem => "BPF_MAP_LOOKUP_ELEM",
        BpfCommand.MapUpdateElem => "BPF_MAP_UPDATE_ELEM",
        BpfCommand.MapDeleteElem => "BPF_MAP_DELETE_ELEM",
        BpfCommand.MapGetNextKey => "BPF_MAP_GET_NEXT_KEY",
        BpfCommand.ProgLoad => "BPF_PROG_LOAD",
        BpfCommand.ObjPin => "BPF_OBJ_PIN",
        BpfCommand.ObjGet => "BPF_OBJ_GET",
        BpfCommand.ProgTestRun => "BPF_PROG_TEST_RUN",
        BpfCommand.ProgGetNextId => "BPF_PROG_GET_NEXT_ID",
        BpfCommand.MapGetNextId => "BPF_MAP_GET_NEXT_ID",
        BpfCommand.ProgGetFdById => "BPF_PROG_GET_FD_BY_ID",
        BpfCommand.MapGetFdById => "BPF_MAP_GET_FD_BY_ID",
        BpfCommand.ObjGetInfoByFd => "BPF_OBJ_GET_INFO_BY_FD",
        BpfCommand.RawTracepointOpen => "BPF_RAW_TRACEPOINT_OPEN",
        BpfCommand.BtfLoad => "BPF_BTF_LOAD",
        BpfCommand.BtfGetFdById => "BPF_BTF_GET_FD_BY_ID",
        BpfCommand.MapLookupAndDeleteElem => "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
        BpfCommand.MapFreeze => "BPF_MAP_FREEZE",
        BpfCommand.MapLookupBatch => "BPF_MAP_LOOKUP_BATCH",
        BpfCommand.MapLookupAndDeleteBatch => "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
        BpfCommand.MapUpdateBatch => "BPF_MAP_UPDATE_BATCH",
        BpfCommand.MapDeleteBatch => "BPF_MAP_DELETE_BATCH",
        BpfCommand.LinkCreate => "BPF_LINK_CREATE",
        BpfCommand.LinkGetFdById => "BPF_LINK_GET_FD_BY_ID",
        BpfCommand.LinkGetNextId => "BPF_LINK_GET_NEXT_ID",
        BpfCommand.IterCreate => "BPF_ITER_CREATE",
        BpfCommand.Dup => "dup",
        BpfCommand.Mmap => "mmap",
        BpfCommand.Open => "open",
        BpfCommand.Socket => "socket",
        BpfCommand.SetSockOptAttachBpf => "SO_ATTACH_BPF",
        BpfCommand.EpollCreate => "epoll_create1",
        BpfCommand.EpollCtl => "epoll_ctl",
        BpfCommand.EpollWait => "epoll_wait",
        BpfCommand.EventFd => "eventfd",
        BpfCommand.PerfEventOpen => "perf_event_open",
        BpfCommand.PerfEventIocEnable => "PERF_EVENT_IOC_ENABLE",
        BpfCommand.ElfRead => "ELF",
        BpfCommand.ObjectOpen => "bpf_object__open",
        BpfCommand.ObjectLoad => "bpf_object__load",
        BpfCommand.ProgramSetAutoload => "bpf_program__set_autoload",
        BpfCommand.MapSetMaxEntries => "bpf_map__set_max_entries",
        BpfCommand.MapSetPinPath => "bpf_map__set_pin_path",
        BpfCommand.MapSetInitialValue => "bpf_map__set_initial_value",
        BpfCommand.ProgramAttach => "bpf_program__attach",
        BpfCommand.ProgramAttachTrace => "bpf_program__attach_trace",
        BpfCommand.ProgramAttachTracepoint => "bpf_program__attach_tracepoint",
        BpfCommand.ProgramAttachXdp => "bpf_program__attach_xdp",
        BpfCommand.ProgramAttachCgroup => "bpf_program__attach_cgroup",
        BpfCommand.ProgramAttachUprobe => "bpf_program__attach_uprobe_opts",
        BpfCommand.TcHookCreate => "bpf_tc_hook_create",
        BpfCommand.TcAttach => "bpf_tc_attach",
        BpfCommand.PerfEventIocSetBpf => "PERF_EVENT_IOC_SET_BPF",
        BpfCommand.ProgramAttachUsdt => "bpf_program__attach_usdt",
        BpfCommand.ProgramAttachKprobeMulti => "bpf_program__attach_kprobe_multi_opts",
        BpfCommand.FeatureProbe => "libbpf_probe_bpf",
        BpfCommand.Futex => "futex",
        _ => command.ToString(),
    };

    /// <summary>Whether the command writes a map's elements (so a read-only descriptor or a frozen map refuses it).</summary>
    internal static bool WritesMap(this BpfCommand command) => command is BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem
        or BpfCommand.MapLookupAndDeleteElem or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteBatch
        or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapFreeze;

    /// <summary>Whether the command reads a map's elements (so a write-only descriptor refuses it).</summary>
    internal static bool ReadsMap(this BpfCommand command) => command is BpfCommand.MapLookupElem or BpfCommand.MapGetNextKey
        or BpfCommand.MapLookupBatch or BpfCommand.MapLookupAndDeleteElem or BpfCommand.MapLookupAndDeleteBatch;

    /// <summary>Whether the command acts on a path on bpffs.</summary>
    internal static bool UsesPin(this BpfCommand command) => command is BpfCommand.ObjPin or BpfCommand.ObjGet;

    /// <summary>Whether the command loads, runs or attaches programs or objects (never a map's elements).</summary>
    internal static bool IsProgramOrObject(this BpfCommand command) => command is BpfCommand.ProgLoad or BpfCommand.ProgTestRun
        or BpfCommand.RawTracepointOpen or BpfCommand.LinkCreate or BpfCommand.ElfRead or BpfCommand.ObjectOpen or BpfCommand.ObjectLoad
        or BpfCommand.ProgramSetAutoload or BpfCommand.MapSetMaxEntries or BpfCommand.MapSetPinPath or BpfCommand.MapSetInitialValue
        or BpfCommand.SetSockOptAttachBpf or (>= BpfCommand.ProgramAttach and <= BpfCommand.TcAttach);

    /// <summary>Whether the command is a tracing, networking or cgroup attachment, which needs CAP_PERFMON or CAP_NET_ADMIN besides CAP_BPF.</summary>
    internal static bool Attaches(this BpfCommand command) => command is BpfCommand.RawTracepointOpen or BpfCommand.LinkCreate
        or BpfCommand.SetSockOptAttachBpf or (>= BpfCommand.ProgramAttach and <= BpfCommand.TcAttach);
}
