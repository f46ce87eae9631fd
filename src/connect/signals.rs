//! The signals that end a long-running command or the wizard: Ctrl-C, SIGTERM, SIGHUP and
//! SIGQUIT (which would otherwise end the process with a core dump).

/// Wait for Ctrl-C, SIGTERM, SIGHUP or SIGQUIT.
pub async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut quit)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::quit()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = quit.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// As `wait_for_stop`, but listening from the moment this is called, not from the first wait:
/// a signal that arrives in between (a supervisor stopping a process that is still starting)
/// is not lost, and does not end the process before its cleanup.
pub fn listen_for_stop() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            SignalKind::interrupt(),
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::quit(),
        ];
        let streams: Vec<_> = kinds.into_iter().filter_map(|k| signal(k).ok()).collect();
        async move {
            if streams.is_empty() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            let waits = streams.into_iter().map(|mut s| {
                Box::pin(async move {
                    s.recv().await;
                })
            });
            futures_util::future::select_all(waits).await;
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
