using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BpfChannels.Hosting.Tests;

/// <summary>A host on virtual time with BpfChannels added; tests register channels, then start it.</summary>
internal sealed class HostFixture : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HostApplicationBuilder _builder;
    private IHost? _host;
    private bool _started;

    public HostFixture(Action<BpfChannelsOptions>? configure = null, IEnumerable<KeyValuePair<string, string?>>? configuration = null)
    {
        _builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (configuration is not null)
        {
            _builder.Configuration.AddInMemoryCollection(configuration);
        }

        _builder.Services.AddSingleton<TimeProvider>(Time);
        _builder.Services.AddLogging(logging => logging.AddProvider(Logs));
        _builder.Services.AddMetrics();
        Channels = configuration is not null
            ? _builder.Services.AddBpfChannels(_builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            : configure is not null ? _builder.Services.AddBpfChannels(configure) : _builder.Services.AddBpfChannels();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public ListLoggerProvider Logs { get; } = new();

    public BpfChannelsBuilder Channels { get; }

    public IServiceProvider Services => Host.Services;

    public IHost Host => _host ??= _builder.Build();

    public BpfChannelRegistry Registry => Services.GetRequiredService<BpfChannelRegistry>();

    /// <summary>The options as the running host reads them now.</summary>
    public BpfChannelsOptions Options => Services.GetRequiredService<IOptionsMonitor<BpfChannelsOptions>>().CurrentValue;

    /// <summary>The configuration, for tests that change it and reload.</summary>
    public IConfigurationRoot Configuration => _builder.Configuration;

    public async Task StartAsync()
    {
        await Host.StartAsync(TestContext.Current.CancellationToken);
        _started = true;
    }

    public Task StopAsync() => Host.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            if (_started)
            {
                await _host.StopAsync(CancellationToken.None);
            }

            if (_host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
