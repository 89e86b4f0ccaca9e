"""Entry point of the container: `python -m app.main`. Serves the API on PORT
and probes and metrics on MANAGEMENT_PORT, in one process{% if values.publishesEvents or values.runsJobs %}, which also runs
the background work: {% if values.publishesEvents %}the outbox relay{% endif %}{% if values.publishesEvents and values.runsJobs %} and {% endif %}{% if values.runsJobs %}the Dramatiq job worker (its
threads){% endif %}{% endif %}.

After SIGTERM, /readyz fails for SHUTDOWN_DRAIN_MS while Kubernetes removes
the pod from the endpoints, then the close steps get SHUTDOWN_TIMEOUT_MS:
with the 5 s preStop, 20 s of the 30 s grace period.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
import traceback

from app.bootstrap import AppOptions, ShutdownError, create_app
from app.config import Config, ConfigError, load_config
from app.infrastructure.logger import route_standard_logging
from app.infrastructure.telemetry import Telemetry, start_telemetry


async def serve(config: Config, telemetry: Telemetry) -> int:
    app = await create_app(config, AppOptions(tracing=telemetry.enabled))
    route_standard_logging(app.logger)
    await app.start()

    loop = asyncio.get_running_loop()
    stopping: asyncio.Future[str] = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):

        def on_signal(name: str = signum.name) -> None:
            if not stopping.done():
                stopping.set_result(name)

        loop.add_signal_handler(signum, on_signal)
    name = await stopping
    app.logger.info("shutting down", signal=name)

    # Whatever happens below (a close step that ignores its deadline, the
    # trace exporter waiting on the network), the process is gone by then.
    def overran() -> None:
        app.logger.fatal("shutdown overran its deadline; exiting")
        os._exit(1)

    watchdog = threading.Timer((config.shutdown_drain_ms + config.shutdown_timeout_ms + 2_000) / 1000, overran)
    watchdog.daemon = True
    watchdog.start()
    status = 0
    try:
        await app.stop()
    except ShutdownError as error:
        app.logger.error("unclean shutdown", err=error)
        status = 1
    await asyncio.to_thread(telemetry.shutdown)
    return status


def main() -> int:
    try:
        config = load_config()
        telemetry = start_telemetry(service_name=config.service_name, otlp_endpoint=config.otel_exporter_otlp_endpoint)
        return asyncio.run(serve(config, telemetry))
    except Exception as error:
        # Before the logger exists (bad configuration): one JSON line on stderr.
        message = str(error) if isinstance(error, ConfigError) else "".join(traceback.format_exception(error))
        sys.stderr.write(json.dumps({"level": "fatal", "message": message}) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
