"""Parse the messages that arrive together in one pass of the NLU pipeline.

Rasa's message processor runs the whole NLU pipeline for one message at a time. Under
load most of that cost is fixed per call, not per message: one TensorFlow call for
DIET (see `LeanDIETClassifier.process`, which predicts a list of messages at once) and
the graph runner's bookkeeping. Here each parse queues its message; one drain task
takes every message queued by the time it runs (other conversations' requests that
were ready at the same moment), parses them with one `graph_runner.run`, and hands each
caller its own parse. With one message waiting the path is the same as Rasa's.

The batcher sits in Rasa's own hook for a separate NLU: `MessageProcessor.parse_message`
asks `processor.http_interpreter` (an NLU server from endpoints.yml) when one is set and
then does the rest itself (retrieval intents, unseen-feature checks). `install()` sets a
`BatchingInterpreter` there whenever an agent loads a model, unless an NLU server is
configured; no Rasa method body is copied. Full parses (`only_output_properties=False`,
`rasa test nlu` and the server's /model/test/intents) keep Rasa's single-message path.

A message's parse does not depend on the others in its batch (the NLU graph gets only
the messages, never the tracker: tests/bot/server/test_rasa_patches.py checks the graph built from
config.yml); `tests/bot/nlu/test_batch_parse.py` checks that batched and single parses agree. If
a batch fails, each of its messages is parsed alone, so a bad message fails only its own
turn.
"""
from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

#: Most messages parsed in one pass (bounds the latency a batch adds to its first message).
MAX_BATCH = 16


class ParseBatcher:
    """Queues messages of one MessageProcessor and parses them in batches."""

    def __init__(self, processor: Any, *, max_batch: int = MAX_BATCH) -> None:
        self.processor = processor
        self.max_batch = max_batch
        self.pending: List[Tuple[Any, asyncio.Future]] = []
        self.draining = False
        self.batch_sizes: Dict[int, int] = {}   # size -> how many batches (tests, diagnosis)

    async def parse(self, message: Any) -> Dict[Text, Any]:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((message, future))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.pending:
                # Let the request handlers that are ready now queue their messages too.
                await asyncio.sleep(0)
                batch, self.pending = self.pending[:self.max_batch], self.pending[self.max_batch:]
                self.batch_sizes[len(batch)] = self.batch_sizes.get(len(batch), 0) + 1
                self._answer(batch, self._parse_all([message for message, _ in batch]))
        finally:
            self.draining = False

    def _parse_all(self, messages: List[Any]) -> List[Any]:
        """Each message's parse data, or the exception its parse raised."""
        try:
            return self.parse_together(messages)
        except Exception as error:
            if len(messages) == 1:
                return [error]
            logger.warning("NLU batch of %d failed; parsing its messages one by one", len(messages))
        results: List[Any] = []
        for message in messages:
            try:
                results.extend(self.parse_together([message]))
            except Exception as error:
                results.append(error)
        return results

    def parse_together(self, messages: List[Any]) -> List[Dict[Text, Any]]:
        """What `MessageProcessor._parse_message_with_graph` gives for each message (with
        its default `only_output_properties=True`)."""
        from rasa.engine.constants import PLACEHOLDER_MESSAGE
        from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

        target = self.processor.model_metadata.nlu_target
        parsed = self.processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: messages}, targets=[target])[target]
        if len(parsed) != len(messages):
            raise RuntimeError(f"NLU returned {len(parsed)} parses for {len(messages)} messages")
        results = []
        for message in parsed:
            parse_data: Dict[Text, Any] = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                                           ENTITIES: []}
            parse_data.update(message.as_dict(only_output_properties=True))
            results.append(parse_data)
        return results

    @staticmethod
    def _answer(batch: List[Tuple[Any, asyncio.Future]], results: List[Any]) -> None:
        for (_, future), result in zip(batch, results):
            if future.done():        # the caller went away (request cancelled)
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


#: While `parse_message(..., only_output_properties=False)` runs: (its tracker,), for
#: Rasa's own single-message parse.
_full_parse: contextvars.ContextVar[Optional[tuple]] = contextvars.ContextVar("full_parse", default=None)


class BatchingInterpreter:
    """What `MessageProcessor.parse_message` asks for a parse (its `http_interpreter`)."""

    def __init__(self, batcher: ParseBatcher) -> None:
        self.batcher = batcher

    async def parse(self, message: Any) -> Dict[Text, Any]:
        full = _full_parse.get()
        if full is not None:
            from rasa.shared.core.trackers import DialogueStateTracker

            # What parse_message does without an interpreter.
            tracker = full[0] or DialogueStateTracker.from_events(message.sender_id, [])
            return self.batcher.processor._parse_message_with_graph(message, tracker, False)
        return await self.batcher.parse(message)


def attach(processor: Any) -> None:
    """Parse `processor`'s messages in batches, unless it asks an NLU server."""
    if processor is not None and processor.http_interpreter is None:
        processor.http_interpreter = BatchingInterpreter(ParseBatcher(processor))


def batcher_of(processor: Any) -> Optional[ParseBatcher]:
    interpreter = processor.http_interpreter
    return interpreter.batcher if isinstance(interpreter, BatchingInterpreter) else None


def install() -> None:
    """Attach a batcher to every processor an agent loads (idempotent)."""
    from rasa.core import processor as rasa_processor
    from rasa.core.agent import Agent

    if getattr(Agent.load_model, "_batching", False):
        return
    load_model = Agent.load_model
    parse_message = rasa_processor.MessageProcessor.parse_message

    @functools.wraps(load_model)
    def load_model_batching(self, model_path, fingerprint=None) -> None:
        load_model(self, model_path, fingerprint)
        attach(self.processor)

    @functools.wraps(parse_message)
    async def parse_message_full_when_asked(self, message, tracker=None, only_output_properties: bool = True):
        token = _full_parse.set(None if only_output_properties else (tracker,))
        try:
            return await parse_message(self, message, tracker, only_output_properties)
        finally:
            _full_parse.reset(token)

    load_model_batching._batching = True
    Agent.load_model = load_model_batching
    rasa_processor.MessageProcessor.parse_message = parse_message_full_when_asked
