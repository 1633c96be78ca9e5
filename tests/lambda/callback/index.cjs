// Callback style: answers through callback(error, result) after a timer; CALLBACK_ERROR makes it an error.
module.exports.handler = function (event, context, callback) {
    console.error(`callback ${process.pid} waits=${context.callbackWaitsForEmptyEventLoop} ${context.awsRequestId}`);
    setTimeout(() => {
        if (process.env.CALLBACK_ERROR)
            callback(new RangeError(process.env.CALLBACK_ERROR));
        else
            callback(null, { batchItemFailures: [] });
    }, 5);
};
